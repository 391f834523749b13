import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../store/MemoryStore';
import { systemClock } from '../util/Clock';
import { AccountService } from './AccountService';
import { SYSTEM_ACTOR } from './access';
import { DirectoryService } from './DirectoryService';
import { MeetingCatalog } from './MeetingCatalog';
import { MeetingService } from './MeetingService';
import { defineMeeting } from './meetingDefinition';

describe('MeetingCatalog.list', () => {
  it("lists meetings from their status index without folding any meeting's log for good", async () => {
    const store = new MemoryStore();
    await store.putUnits([
      {
        code: '01',
        tier: 'province',
        name: 'Hà Nội',
        fullName: 'Thành phố Hà Nội',
        kind: 'Thành phố',
      },
      {
        code: '00004',
        tier: 'ward',
        name: 'Ba Đình',
        fullName: 'Phường Ba Đình',
        kind: 'Phường',
        parentCode: '01',
      },
    ]);
    const accounts = new AccountService(store);
    const person = (role: 'chair' | 'secretary', username: string) =>
      accounts.create(
        { username, password: `${username}-pw-123`, displayName: username, role },
        SYSTEM_ACTOR,
      );
    const [chair, secretary] = [
      await person('chair', 'chutri'),
      await person('secretary', 'thuky'),
    ];
    const directory = new DirectoryService(store);
    const writer = new MeetingService(store, systemClock);
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const def = await defineMeeting(
        {
          title: `Giao ban ${i}`,
          scheduledStart: new Date().toISOString(),
          chairId: chair.id,
          secretaryId: secretary.id,
          siteIds: ['00004'],
        },
        store,
        directory,
      );
      await writer.create(def);
      await writer.transition(def.id, SYSTEM_ACTOR, 'scheduled');
      if (i > 0) await writer.transition(def.id, SYSTEM_ACTOR, 'open');
      ids.push(def.id);
    }
    // Another process (a fresh hub) answers GET /api/meetings.
    const meetings = new MeetingService(store, systemClock);
    const catalog = new MeetingCatalog({
      store,
      meetings,
      directory,
      accounts,
      clock: systemClock,
    });
    const list = await catalog.list({ sub: 'admin', role: 'admin', name: 'admin' });
    expect(list.map((m) => [m.id, m.state])).toEqual(
      expect.arrayContaining([
        [ids[0], 'scheduled'],
        [ids[1], 'open'],
        [ids[2], 'open'],
      ]),
    );
    for (const id of ids) expect(meetings.isLoaded(id)).toBe(false);
  });
});
