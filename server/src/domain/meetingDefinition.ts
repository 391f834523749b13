import type { CreateMeetingBody } from '@giaoban/shared';
import type { z } from 'zod';
import type { MeetingDefinition, Store } from '../store/Store';
import { HubError } from '../util/HubError';
import { newId } from '../util/ids';
import type { DirectoryService } from './DirectoryService';

type Input = z.infer<typeof CreateMeetingBody>;

/** Resolves invited sites (codes ∪ groups ∪ provinces' wards) and checks every reference. */
export async function resolveSites(
  input: Partial<Input>,
  store: Store,
  dir: DirectoryService,
): Promise<string[]> {
  const codes = new Set(input.siteIds ?? []);
  for (const gid of input.groupIds ?? []) {
    const g = await store.getGroup(gid);
    if (!g) throw new HubError('NOT_FOUND', `group ${gid} not found`);
    for (const c of g.unitCodes) codes.add(c);
  }
  for (const c of await dir.wardsOf(input.provinceCodes ?? [])) codes.add(c);
  const list = [...codes].sort();
  const units = await store.getUnits(list);
  const missing = list.filter((_, i) => !units[i]);
  if (missing.length) {
    throw new HubError('NOT_FOUND', `unknown unit codes: ${missing.slice(0, 10).join(', ')}`);
  }
  return list;
}

async function checkPeople(store: Store, chairId: string, secretaryId: string): Promise<void> {
  const [chair, secretary] = await Promise.all([
    store.getAccount(chairId),
    store.getAccount(secretaryId),
  ]);
  if (!chair || (chair.role !== 'chair' && chair.role !== 'admin')) {
    throw new HubError('BAD_REQUEST', `chairId ${chairId} is not a chair account`);
  }
  if (!secretary || (secretary.role !== 'secretary' && secretary.role !== 'admin')) {
    throw new HubError('BAD_REQUEST', `secretaryId ${secretaryId} is not a secretary account`);
  }
}

function agendaOf(items: Input['agenda'], siteIds: readonly string[]): MeetingDefinition['agenda'] {
  const invited = new Set(siteIds);
  const seen = new Set<string>();
  return (items ?? []).map((a, order) => {
    const id = a.id ?? newId('ai_', 6);
    if (seen.has(id)) throw new HubError('BAD_REQUEST', `agenda item id ${id} used twice`);
    seen.add(id);
    const presenters = a.presenterSiteIds ?? [];
    for (const s of presenters) {
      if (!invited.has(s)) throw new HubError('BAD_REQUEST', `presenter site ${s} is not invited`);
    }
    const item: MeetingDefinition['agenda'][number] = {
      id,
      order,
      title: a.title,
      presenterSiteIds: presenters,
      plannedMinutes: a.plannedMinutes,
    };
    if (a.presenterName) item.presenterName = a.presenterName;
    return item;
  });
}

export async function defineMeeting(
  input: Input,
  store: Store,
  dir: DirectoryService,
  id = newId('mtg_'),
): Promise<MeetingDefinition> {
  await checkPeople(store, input.chairId, input.secretaryId);
  const siteIds = await resolveSites(input, store, dir);
  const def: MeetingDefinition = {
    id,
    title: input.title,
    scheduledStart: new Date(input.scheduledStart).toISOString(),
    chairId: input.chairId,
    secretaryId: input.secretaryId,
    siteIds,
    agenda: agendaOf(input.agenda, siteIds),
    lateGraceMinutes: input.lateGraceMinutes ?? 10,
    speakingLimitSeconds: input.speakingLimitSeconds ?? 300,
    openMics: input.openMics ?? false,
    issuingBody: input.issuingBody ?? '',
    place: input.place ?? '',
    createdAt: new Date().toISOString(),
  };
  if (input.parentBody) def.parentBody = input.parentBody;
  if (input.documentNumber) def.documentNumber = input.documentNumber;
  if (input.hostLocation) def.hostLocation = input.hostLocation;
  if (input.autoRecord !== undefined) def.autoRecord = input.autoRecord;
  return def;
}

export async function redefineMeeting(
  current: MeetingDefinition,
  patch: Partial<Input>,
  store: Store,
  dir: DirectoryService,
): Promise<MeetingDefinition> {
  const chairId = patch.chairId ?? current.chairId;
  const secretaryId = patch.secretaryId ?? current.secretaryId;
  await checkPeople(store, chairId, secretaryId);
  const sitesChanged = patch.siteIds || patch.groupIds || patch.provinceCodes;
  const siteIds = sitesChanged ? await resolveSites(patch, store, dir) : current.siteIds;
  const next: MeetingDefinition = {
    ...current,
    ...Object.fromEntries(
      Object.entries(patch).filter(
        ([k, v]) =>
          v !== undefined && !['siteIds', 'groupIds', 'provinceCodes', 'agenda'].includes(k),
      ),
    ),
    chairId,
    secretaryId,
    siteIds,
    agenda: patch.agenda ? agendaOf(patch.agenda, siteIds) : current.agenda,
  };
  // Presenters are invited sites: an invitation list that drops one is refused, not half-applied.
  for (const item of next.agenda) {
    for (const s of item.presenterSiteIds) {
      if (!siteIds.includes(s)) {
        throw new HubError('BAD_REQUEST', `presenter site ${s} of "${item.title}" is not invited`);
      }
    }
  }
  if (patch.scheduledStart) next.scheduledStart = new Date(patch.scheduledStart).toISOString();
  return next;
}
