import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AttendanceRow, MeetingRecord } from './MeetingRecord.js';

/**
 * Test-only fixture: a recorded Hà Nội briefing with real ward names read from the reference data at
 * run time, covering every attendance status, speeches, and two hostile names.
 */
const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const ADMIN_UNITS_PATH = path.resolve(repoRoot, '../shared/data/vn-admin-units-2025.json');

interface Ward {
  Code: string;
  FullName: string;
}
interface Province {
  Code: string;
  Name: string;
  FullName: string;
  Wards: Ward[];
}

export function loadHanoiWards(): Ward[] {
  const provinces = JSON.parse(readFileSync(ADMIN_UNITS_PATH, 'utf8')) as Province[];
  const hanoi = provinces.find((p) => p.Code === '01');
  if (!hanoi) throw new Error('Hà Nội (code 01) missing from the reference data');
  return hanoi.Wards;
}

export const HYPERLINK_NAME = '=HYPERLINK("http://x","y")';
export const SCRIPT_NAME = '<script>alert(1)</script>';

/** Instants at UTC+7: 08:00 local is 01:00Z. */
const at = (hhmmss: string) => `2026-11-26T${hhmmss}.000Z`;

export function buildFixture(): { record: MeetingRecord; wards: Ward[] } {
  const wards = loadHanoiWards().slice(0, 6);
  const w = (i: number): Ward => {
    const ward = wards[i];
    if (!ward) throw new Error(`ward ${i} missing`);
    return ward;
  };
  const rc = (
    rollCallId: string,
    startedAt: string,
    answeredAt?: string,
    headcount?: number,
  ): AttendanceRow['rollCalls'][number] =>
    answeredAt
      ? { rollCallId, startedAt, answered: true, answeredAt, headcount }
      : { rollCallId, startedAt, answered: false };

  const attendance: AttendanceRow[] = [
    {
      siteId: 's1',
      code: w(0).Code,
      name: w(0).FullName,
      status: 'on_time',
      firstJoinAt: at('00:55:10'),
      lastLeaveAt: at('03:05:00'),
      minutesConnected: 129,
      headcount: 12,
      siteChair: 'Nguyễn Văn An',
      rollCalls: [
        rc('rc1', at('01:03:00'), at('01:03:20'), 12),
        rc('rc2', at('02:30:00'), at('02:30:40'), 11),
      ],
    },
    {
      siteId: 's2',
      code: w(1).Code,
      name: w(1).FullName,
      status: 'late',
      firstJoinAt: at('01:12:30'),
      lastLeaveAt: at('03:05:00'),
      minutesConnected: 112,
      headcount: 8,
      siteChair: 'Trần Thị Bình',
      note: 'Mất kết nối 2 phút lúc 09:40',
      rollCalls: [rc('rc1', at('01:03:00')), rc('rc2', at('02:30:00'), at('02:31:05'), 8)],
    },
    {
      siteId: 's3',
      code: w(2).Code,
      name: w(2).FullName,
      status: 'left_early',
      firstJoinAt: at('00:58:00'),
      lastLeaveAt: at('02:10:45'),
      minutesConnected: 72,
      headcount: 5,
      siteChair: 'Lê Văn Cường',
      note: '-Rời sớm để xử lý sự cố',
      rollCalls: [rc('rc1', at('01:03:00'), at('01:04:00'), 5), rc('rc2', at('02:30:00'))],
    },
    {
      siteId: 's4',
      code: w(3).Code,
      name: w(3).FullName,
      status: 'absent_with_reason',
      absenceReason: 'Trực phòng chống lụt bão',
      minutesConnected: 0,
      rollCalls: [rc('rc1', at('01:03:00')), rc('rc2', at('02:30:00'))],
    },
    {
      siteId: 's5',
      code: w(4).Code,
      name: w(4).FullName,
      status: 'absent_without_reason',
      minutesConnected: 0,
      rollCalls: [rc('rc1', at('01:03:00')), rc('rc2', at('02:30:00'))],
    },
    {
      siteId: 's6',
      code: '99901',
      name: HYPERLINK_NAME,
      status: 'on_time',
      firstJoinAt: at('00:59:59'),
      lastLeaveAt: at('03:05:00'),
      minutesConnected: 125,
      headcount: 3,
      siteChair: '@SUM(A1:A2)',
      note: '+1 người đến sau',
      rollCalls: [
        rc('rc1', at('01:03:00'), at('01:03:30'), 3),
        rc('rc2', at('02:30:00'), at('02:30:10'), 3),
      ],
    },
    {
      siteId: 's7',
      code: '99902',
      name: SCRIPT_NAME,
      status: 'absent_with_reason',
      absenceReason: 'Mất điện <b>toàn phường</b> & mạng',
      minutesConnected: 0,
      note: '\tghi chú bắt đầu bằng tab',
      rollCalls: [],
    },
  ];

  const record: MeetingRecord = {
    meetingId: 'm-2026-11-26',
    title: 'Giao ban trực tuyến tháng 11/2026',
    issuingBody: 'Ủy ban nhân dân Thành phố Hà Nội',
    documentNumber: '12/BB-UBND',
    place: 'Hà Nội',
    timeZone: 'Asia/Ho_Chi_Minh',
    scheduledStart: at('01:00:00'),
    openedAt: at('00:45:00'),
    startedAt: at('01:02:00'),
    adjournedAt: at('03:05:00'),
    chair: { name: 'Phạm Minh Chính', title: 'Phó Chủ tịch UBND Thành phố' },
    secretary: { name: SCRIPT_NAME, title: 'Chuyên viên Văn phòng' },
    hostLocation: 'Trụ sở UBND Thành phố',
    attendance,
    agenda: [
      {
        id: 'a1',
        order: 1,
        title: 'Tình hình kinh tế - xã hội tháng 11',
        presenter: 'Giám đốc Sở Tài chính',
        plannedMinutes: 45,
        startedAt: at('01:05:00'),
        endedAt: at('01:50:30'),
        speeches: [
          {
            siteId: 's2',
            siteName: w(1).FullName,
            startedAt: at('01:30:00'),
            endedAt: at('01:33:20'),
            seconds: 200,
          },
          {
            siteId: 's1',
            siteName: w(0).FullName,
            startedAt: at('01:20:00'),
            endedAt: at('01:25:00'),
            seconds: 300,
          },
        ],
        conclusions:
          'Các phường hoàn thành báo cáo trước ngày 30/11.\n\nSở Tài chính tổng hợp & báo cáo <UBND>.',
        notes: 'Phường nêu khó khăn về giải ngân.',
      },
      {
        id: 'a2',
        order: 2,
        title: 'Công tác chuẩn bị Tết',
        plannedMinutes: 30,
        startedAt: at('01:51:00'),
        endedAt: at('03:00:00'),
        speeches: [
          {
            siteId: 's6',
            siteName: HYPERLINK_NAME,
            startedAt: at('02:00:00'),
            endedAt: at('02:01:05'),
            seconds: 65,
          },
        ],
        conclusions: '=HYPERLINK("http://x","y") không được chạy như công thức.',
      },
      {
        id: 'a3',
        order: 3,
        title: 'Nội dung không kịp trình bày',
        plannedMinutes: 10,
        speeches: [],
      },
    ],
    lateGraceMinutes: 5,
    generatedAt: '2026-11-26T04:30:00.000Z',
  };
  return { record, wards };
}

/** A national call: every ward of the country invited, statuses spread deterministically. */
export function nationalRecord(): MeetingRecord {
  const provinces = JSON.parse(readFileSync(ADMIN_UNITS_PATH, 'utf8')) as Province[];
  const wards = provinces.flatMap((p) => p.Wards);
  const statuses: AttendanceRow['status'][] = [
    'on_time',
    'on_time',
    'on_time',
    'late',
    'left_early',
    'absent_with_reason',
    'absent_without_reason',
  ];
  const attendance = wards.map((w, i): AttendanceRow => {
    const status = statuses[i % statuses.length] ?? 'on_time';
    const present = !status.startsWith('absent');
    return {
      siteId: `site-${w.Code}`,
      code: w.Code,
      name: w.FullName,
      status,
      firstJoinAt: present ? '2026-11-26T00:58:00.000Z' : undefined,
      lastLeaveAt: present ? '2026-11-26T03:00:00.000Z' : undefined,
      minutesConnected: present ? 122 : 0,
      headcount: present ? (i % 9) + 1 : undefined,
      absenceReason: status === 'absent_with_reason' ? 'Trực thiên tai' : undefined,
      rollCalls: [],
    };
  });
  return { ...buildFixture().record, attendance };
}
