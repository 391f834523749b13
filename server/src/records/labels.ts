import type { AttendanceStatus } from './MeetingRecord.js';

/**
 * Every word the documents print, in one table. The attendance report and the minutes are
 * official Vietnamese documents, so they are rendered in Vietnamese regardless of the UI language;
 * keeping the words here lets a reviewer check the wording in one place.
 */
export const STATUS_LABELS: Readonly<Record<AttendanceStatus, string>> = {
  on_time: 'Đúng giờ',
  late: 'Đến muộn',
  left_early: 'Về sớm',
  absent_with_reason: 'Vắng có lý do',
  absent_without_reason: 'Vắng không lý do',
};

/** The counts the attendance sentences print (minutes and handout alike). */
export interface AttendanceCounts {
  invited: number;
  present: number;
  onTime: number;
  late: number;
  leftEarly: number;
  headcount: number;
  absent: number;
  withReason: number;
  withoutReason: number;
}

/**
 * A count as Vietnamese documents write it: thousands grouped by a dot ("3.321"). Done by hand,
 * like the times in time.ts, so the bytes never depend on the ICU build's locale data.
 */
export function vnCount(n: number): string {
  const sign = n < 0 ? '-' : '';
  return sign + String(Math.abs(Math.trunc(n))).replace(/\B(?=(\d{3})+$)/g, '.');
}

function attendanceText(s: AttendanceCounts): string {
  const n = vnCount;
  return (
    `triệu tập ${n(s.invited)} điểm cầu; có mặt ${n(s.present)} điểm cầu (đúng giờ ${n(s.onTime)}, ` +
    `đến muộn ${n(s.late)}, về sớm ${n(s.leftEarly)}) với tổng số ${n(s.headcount)} người dự; ` +
    `vắng ${n(s.absent)} điểm cầu (có lý do ${n(s.withReason)}, không có lý do ${n(s.withoutReason)}).`
  );
}

export const LABELS = {
  attendance: {
    reportTitle: 'BÁO CÁO ĐIỂM DANH CÁC ĐIỂM CẦU',
    sheetName: 'Điểm danh',
    summarySheetName: 'Tổng hợp',
    columns: {
      code: 'Mã đơn vị',
      name: 'Tên điểm cầu',
      status: 'Trạng thái',
      firstJoin: 'Vào lần đầu',
      lastLeave: 'Rời lần cuối',
      minutesConnected: 'Số phút kết nối',
      headcount: 'Số người dự',
      siteChair: 'Chủ trì tại điểm cầu',
      /** Roll-call columns: one per round, "Điểm danh lần 1 (08:05)". */
      rollCall: (round: number, startedAt: string) => `Điểm danh lần ${round} (${startedAt})`,
      absenceReason: 'Lý do vắng',
      note: 'Ghi chú',
      /** Issue #14: which sites sent their report, and when (only when reports were asked). */
      report: 'Báo cáo',
    },
    report: {
      submitted: (at: string) => `Đã nộp ${at}`,
      late: (at: string) => `Nộp muộn ${at}`,
      missing: 'Chưa nộp',
    },
    rollCallAnswered: (at: string, headcount?: number) =>
      headcount === undefined ? `Có mặt ${at}` : `Có mặt ${at} (${headcount} người)`,
    rollCallMissed: 'Không trả lời',
    summary: {
      heading: 'TỔNG HỢP',
      meeting: 'Cuộc họp',
      scheduledStart: 'Giờ bắt đầu theo kế hoạch',
      startedAt: 'Giờ bắt đầu thực tế',
      chair: 'Chủ trì',
      secretary: 'Thư ký',
      invited: 'Số điểm cầu được triệu tập',
      present: 'Số điểm cầu có mặt',
      onTime: 'Trong đó: đúng giờ',
      late: 'Trong đó: đến muộn',
      leftEarly: 'Trong đó: về sớm',
      absent: 'Số điểm cầu vắng',
      absentWithReason: 'Trong đó: vắng có lý do',
      absentWithoutReason: 'Trong đó: vắng không lý do',
      totalHeadcount: 'Tổng số người dự tại các điểm cầu',
      lateRule: 'Quy ước',
      lateRuleText: (minutes: number) =>
        `Điểm cầu vào sau giờ bắt đầu quá ${minutes} phút được tính là đến muộn.`,
      generatedAt: 'Thời điểm lập báo cáo',
    },
    handout: {
      no: 'STT',
      when: (time: string, place: string) => `Thời gian: ${time}; địa điểm: ${place}.`,
      summary: (s: AttendanceCounts) => `Tổng hợp: ${attendanceText(s)}`,
      signer: 'NGƯỜI LẬP BIỂU',
    },
    /** Header/footer of the printed sheet; "&P"/"&N" are the spreadsheet's page codes. */
    printFooter: 'Trang &P/&N',
  },
  minutes: {
    nationalName: 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM',
    motto: 'Độc lập - Tự do - Hạnh phúc',
    numberPrefix: 'Số: ',
    /** Printed when the record has no number yet: room to write it by hand. */
    numberPlaceholder: '        /BB-',
    title: 'BIÊN BẢN',
    subjectPrefix: 'Cuộc họp ',
    time: 'Thời gian',
    timeText: (start: string, scheduled: string) =>
      `bắt đầu lúc ${start} (theo kế hoạch: ${scheduled}).`,
    notStarted: 'chưa ghi nhận giờ bắt đầu',
    place: 'Địa điểm',
    placeText: (host: string) => `điểm cầu chính tại ${host}.`,
    /** Printed when the record has no place yet: room to write it by hand. */
    placePlaceholder: '……………',
    form: 'Hình thức',
    formText: (connected: number) => `trực tuyến, kết nối với ${vnCount(connected)} điểm cầu.`,
    recording: 'Ghi hình',
    recordingText: (spans: string[]) => `${spans.join('; ')}.`,
    chair: 'Chủ trì',
    secretary: 'Thư ký',
    attendance: 'Thành phần tham dự',
    /** Sub-item heading of the sites' summary when named participants are listed above it. */
    sitesLabel: 'Các điểm cầu',
    attendanceText,
    absentSites: 'Các điểm cầu vắng mặt:',
    absentWithReason: (reason: string) => `vắng có lý do (${reason})`,
    absentWithReasonUnstated: 'vắng có lý do',
    absentWithoutReason: 'vắng không có lý do',
    absentWithReasonGroup: (n: number) => `Vắng có lý do (${vnCount(n)} điểm cầu)`,
    absentWithoutReasonGroup: (n: number) => `Vắng không có lý do (${vnCount(n)} điểm cầu)`,
    lateSites: 'Các điểm cầu đến muộn:',
    leftEarlySites: 'Các điểm cầu về sớm:',
    lateAt: (at: string) => `vào lúc ${at}`,
    leftAt: (at: string) => `rời lúc ${at}`,
    content: 'NỘI DUNG',
    presenter: 'Trình bày',
    itemTime: 'Thời gian',
    itemTimeText: (start: string, end: string) => `từ ${start} đến ${end}.`,
    itemNotHeld: 'nội dung này không được tiến hành.',
    itemNoEnd: (start: string) => `từ ${start}.`,
    speeches: 'Các điểm cầu phát biểu:',
    noSpeeches: 'Không có điểm cầu phát biểu.',
    speechText: (from: string, to: string, duration: string) =>
      `từ ${from} đến ${to} (${duration}).`,
    notes: 'Ý kiến thảo luận',
    conclusions: 'Kết luận',
    noConclusions: 'Chưa có kết luận.',
    closing: (at: string) => `Cuộc họp kết thúc vào lúc ${at}./.`,
    closingUnknown: 'Cuộc họp kết thúc vào lúc …… giờ …… phút, ngày …… tháng …… năm ……./.',
    secretarySign: 'THƯ KÝ',
    chairSign: 'CHỦ TRÌ',
    signHint: '(Ký, ghi rõ họ tên)',
    documentKind: 'Biên bản cuộc họp',
  },
  time: {
    clock: (h: string, m: string) => `${h} giờ ${m} phút`,
    date: (d: string, m: string, y: string) => `ngày ${d} tháng ${m} năm ${y}`,
    sameDay: 'cùng ngày',
    duration: (minutes: number, seconds: number) =>
      minutes === 0
        ? `${seconds} giây`
        : seconds === 0
          ? `${minutes} phút`
          : `${minutes} phút ${seconds} giây`,
  },
  app: 'GiaoBan',
} as const;
