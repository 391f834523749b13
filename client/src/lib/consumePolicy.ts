import type { ProducerInfo, Role } from '@giaoban/shared';
import { parsePeerId } from './peers';

/**
 * Which remote producers this participant consumes, and how. Sites receive only the chair, the
 * spotlight and screen share (a 126-site meeting would otherwise send every site 125 streams);
 * staff consoles receive the grid tiles that are on screen at the lowest simulcast layer, the
 * spotlight at the top layer, and the audio of every open microphone.
 */
export interface ConsumeIntent {
  /** Resume (true) or keep paused (false) an existing consumer. */
  readonly active: boolean;
  /** Preferred spatial layer for simulcast video, or null for "whatever the SFU picks". */
  readonly spatialLayer: number | null;
}

export const LOW_LAYER = 0;
export const HIGH_LAYER = 2;

export interface ConsumeContext {
  readonly role: Role;
  readonly myPeerId: string;
  readonly chairAccountId: string;
  readonly holderSiteId: string | null;
  readonly spotlightSiteId: string | null;
  /** Site tiles currently on screen in the grid (staff only). */
  readonly visibleSiteIds: ReadonlySet<string>;
}

const STAFF: ReadonlySet<Role> = new Set<Role>(['admin', 'chair', 'secretary', 'observer']);

/**
 * Decision for one producer; `null` = do not consume (and pause it if a consumer already exists).
 */
export function consumeIntent(p: ProducerInfo, ctx: ConsumeContext): ConsumeIntent | null {
  if (p.peerId === ctx.myPeerId) return null;
  const staff = STAFF.has(ctx.role);
  if (p.source === 'screen') return { active: true, spatialLayer: null };
  const who = parsePeerId(p.peerId);
  if (who.kind === 'user' || who.kind === 'unknown') {
    // The chair (or an admin speaking as host): everyone hears and sees the host.
    const isChair = who.kind === 'user' && who.accountId === ctx.chairAccountId;
    if (p.kind === 'audio') return { active: true, spatialLayer: null };
    return isChair ? { active: true, spatialLayer: HIGH_LAYER } : null;
  }
  const siteId = who.siteId;
  const onStage = siteId === ctx.spotlightSiteId || siteId === ctx.holderSiteId;
  if (p.kind === 'audio') {
    if (onStage) return { active: true, spatialLayer: null };
    // Staff hear any site whose mic the server lets through (asked to unmute, open mics).
    if (staff && !p.paused) return { active: true, spatialLayer: null };
    return null;
  }
  if (siteId === ctx.spotlightSiteId) return { active: true, spatialLayer: HIGH_LAYER };
  if (staff && ctx.visibleSiteIds.has(siteId)) return { active: true, spatialLayer: LOW_LAYER };
  return null;
}

export function consumePlan(
  producers: readonly ProducerInfo[],
  ctx: ConsumeContext,
): Map<string, ConsumeIntent> {
  const plan = new Map<string, ConsumeIntent>();
  for (const p of producers) {
    const intent = consumeIntent(p, ctx);
    if (intent) plan.set(p.producerId, intent);
  }
  return plan;
}
