import type {
  Actor,
  CreateMeetingBody,
  Grant,
  Meeting,
  MeetingEventsPage,
  MeetingSummary,
  Role,
  UpdateMeetingBody,
} from '@giaoban/shared';
import type { z } from 'zod';
import type { MeetingRecord } from '../records/MeetingRecord';
import type { Store } from '../store/Store';
import type { Clock } from '../util/Clock';
import { HubError } from '../util/HubError';
import type { AccountService } from './AccountService';
import { meetingRole } from './access';
import { buildMeetingRecord } from './buildMeetingRecord';
import type { DirectoryService } from './DirectoryService';
import type { MeetingProjection } from './MeetingProjection';
import type { MeetingService } from './MeetingService';
import { defineMeeting, redefineMeeting } from './meetingDefinition';

/**
 * Meetings as the REST API sees them: listing, defining, reading one with its role check, its
 * event log page by page and the record its documents are rendered from. Listing reads each
 * meeting's definition and its status index from the store: it never folds a meeting's log into
 * this process for good (only meetings already held, and old logs without a status, are read).
 */
export class MeetingCatalog {
  constructor(
    private readonly d: {
      store: Store;
      meetings: MeetingService;
      directory: DirectoryService;
      accounts: AccountService;
      clock: Clock;
    },
  ) {}

  async list(grant: Grant): Promise<MeetingSummary[]> {
    const { store, meetings } = this.d;
    const out: MeetingSummary[] = [];
    for (const id of await store.listMeetingIds()) {
      const def = await store.getMeeting(id);
      if (!def) continue;
      try {
        meetingRole(grant, def);
      } catch {
        continue;
      }
      let status = meetings.isLoaded(id)
        ? await meetings.peek(id, (p) => ({ state: p.meeting.state, locked: p.meeting.locked }))
        : await store.meetingStatus(id);
      if (!status) {
        // A log from before the status index (or none yet): fold it once, without keeping it.
        const p = await meetings.fold(id);
        status = { state: p.meeting.state, locked: p.meeting.locked };
      }
      out.push({
        id: def.id,
        title: def.title,
        scheduledStart: def.scheduledStart,
        state: status.state ?? 'draft',
        chairId: def.chairId,
        secretaryId: def.secretaryId,
        locked: status.locked ?? false,
        siteCount: def.siteIds.length,
      });
    }
    return out.sort((a, b) => a.scheduledStart.localeCompare(b.scheduledStart));
  }

  async create(input: z.infer<typeof CreateMeetingBody>, actor: Actor): Promise<Meeting> {
    const { store, meetings, directory } = this.d;
    const def = await defineMeeting(input, store, directory);
    await meetings.create(def);
    await store.appendAudit({
      id: `au_${def.id}`,
      at: def.createdAt,
      actor,
      action: 'meeting.create',
      target: def.id,
    });
    return meetings.read(def.id, (p) => p.meetingView());
  }

  /** The meeting with the grant's role in it (FORBIDDEN when it has none). */
  async open(id: string, grant: Grant): Promise<{ p: MeetingProjection; role: Role }> {
    return this.d.meetings.read(id, (p) => ({ p, role: meetingRole(grant, p.meeting) }));
  }

  async get(id: string, grant: Grant): Promise<Meeting> {
    const m = (await this.open(id, grant)).p.meetingView();
    const node = await this.d.store.getMediaNode(id);
    if (node) m.mediaNode = node;
    return m;
  }

  async update(
    id: string,
    patch: z.infer<typeof UpdateMeetingBody>,
    grant: Grant,
  ): Promise<Meeting> {
    const { store, meetings, directory } = this.d;
    const { role } = await this.open(id, grant);
    if (role !== 'admin' && role !== 'secretary')
      throw new HubError('FORBIDDEN', 'not the secretary of this meeting');
    const current = await store.getMeeting(id);
    if (!current) throw new HubError('NOT_FOUND', `meeting ${id} not found`);
    await meetings.updateDefinition(id, await redefineMeeting(current, patch, store, directory));
    return meetings.read(id, (p) => p.meetingView());
  }

  async events(
    id: string,
    grant: Grant,
    q: { after: number; limit: number },
  ): Promise<MeetingEventsPage> {
    await this.open(id, grant);
    const events = await this.d.store.readEvents(id, q.after, q.limit);
    return { events, nextAfter: events.length === q.limit ? events.at(-1)!.seq : null };
  }

  async record(id: string, grant: Grant): Promise<MeetingRecord> {
    const { p } = await this.open(id, grant);
    const [chair, secretary] = await Promise.all([
      this.d.accounts.person(p.meeting.chairId),
      this.d.accounts.person(p.meeting.secretaryId),
    ]);
    const ref = (x: typeof chair) =>
      x.title ? { name: x.name, title: x.title } : { name: x.name };
    return buildMeetingRecord(p, {
      chair: ref(chair),
      secretary: ref(secretary),
      generatedAt: this.d.clock.now(),
    });
  }
}
