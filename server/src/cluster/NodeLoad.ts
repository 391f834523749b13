/**
 * The peers a media node carries, as placement must see them between two of the node's records
 * (issue #12). Placement (its script) reads three things in Redis and adds them up:
 *
 *   record (peers here when the record's snapshot was taken)
 *   + placed set (placements made since, not yet in a record)
 *   − departed set (peers counted in one of those two that have left since).
 *
 * Without the departed set a node whose peers all left at once (its pipe from the origin broke,
 * so every site renegotiates) kept its old load until its next beat, and a burst of renegotiating
 * sites all went to the other node. Each heartbeat's MULTI writes the record from `snapshot()`,
 * takes its `taken` placements out of the placed set and its `departed` out of the departed set;
 * a peer that leaves after the snapshot is counted by that record and stays in the departed set.
 * So every peer is counted once, whichever way the beat and the burst interleave.
 */
export class NodeLoad {
  /** A peer here (room, peer) → its token in the departed set, and whether Redis counts it. */
  readonly #peers = new Map<string, { token: string; counted: boolean }>();
  /** Placements taken up since the last written record. */
  readonly #taken = new Set<string>();
  /** Tokens of counted peers that left since the last written record. */
  readonly #departed = new Set<string>();
  #seq = 0;

  /** `departed` writes a token to the node's departed set (before anything placed after it). */
  constructor(private readonly departed: (token: string) => void) {}

  /** A peer has media here; `placement`: the placement that put it here (counted in its set). */
  arrived(room: string, peerId: string, placement?: string): void {
    const key = `${room}\u0000${peerId}`;
    let p = this.#peers.get(key);
    if (!p) {
      // Unique per arrival: a peer that comes back is a new one (its old token may still be out).
      p = { token: `${placement ?? 'unplaced'}#${++this.#seq}`, counted: false };
      this.#peers.set(key, p);
    }
    if (placement) {
      p.counted = true;
      if (this.#taken.size < 100_000) this.#taken.add(placement);
    }
  }

  left(room: string, peerId: string): void {
    const key = `${room}\u0000${peerId}`;
    const p = this.#peers.get(key);
    if (!p) return;
    this.#peers.delete(key);
    // A peer no record nor placement counted (it came without a placement and left before the
    // next snapshot) is nobody's to take back.
    if (!p.counted) return;
    this.#departed.add(p.token);
    this.departed(p.token);
  }

  get sites(): number {
    return this.#peers.size;
  }

  /** What the next record says, and what it takes out of the two sets. One synchronous step. */
  snapshot(): { sites: number; taken: string[]; departed: string[] } {
    // Counted from here on (by the record of this snapshot). An unplaced peer that leaves before
    // that record is written is taken off one beat early; hubs always place (ClusterRoom), only
    // tests drive a peer without a placement.
    for (const p of this.#peers.values()) p.counted = true;
    return { sites: this.#peers.size, taken: [...this.#taken], departed: [...this.#departed] };
  }

  /** The record of `s` is written (and its ids are out of both sets). */
  written(s: { taken: readonly string[]; departed: readonly string[] }): void {
    for (const id of s.taken) this.#taken.delete(id);
    for (const t of s.departed) this.#departed.delete(t);
  }
}
