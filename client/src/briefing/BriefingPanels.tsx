import { DocumentsPanel } from '../components/documents/DocumentsPanel';
import { NoticeBar } from '../components/opinions/NoticeBar';
import { OpinionForm, OpinionsPanel } from '../components/opinions/OpinionsPanel';
import { VotePanel } from '../components/votes/VotePanel';
import { useMeeting } from '../hooks/useMeeting';
import { ReportBoardPanel } from '../screens/reports/ReportBoardPanel';
import { SiteReportForm } from '../screens/reports/SiteReportForm';

/**
 * The briefing beyond video (issue #14), one bundle per screen so each screen plugs it in with
 * one line: chair (vote, written opinions, notice, documents to present), secretary (report board,
 * documents, opinions), site in the meeting (notice, vote, opinion, documents, report) and lobby
 * (report, documents).
 */
export function ChairBriefing() {
  const { state } = useMeeting();
  if (!state) return null;
  const role = state.you.role;
  return (
    <>
      <OpinionsPanel viewer={role} />
      <VotePanel viewer={role} />
      <NoticeBar viewer={role} />
      <DocumentsPanel viewer={role} />
    </>
  );
}

export function SecretaryBriefing() {
  const { state } = useMeeting();
  if (!state) return null;
  const role = state.you.role;
  return (
    <>
      <ReportBoardPanel viewer={role} meetingId={state.meeting.id} />
      <OpinionsPanel viewer={role} />
      <VotePanel viewer={role} />
      <DocumentsPanel viewer={role} />
    </>
  );
}

export function SiteBriefing() {
  const { state } = useMeeting();
  if (!state) return null;
  return (
    <>
      <NoticeBar viewer="site" />
      <VotePanel viewer="site" />
      <OpinionForm />
      <DocumentsPanel viewer="site" />
      <SiteReportForm meetingId={state.meeting.id} />
    </>
  );
}

export function LobbyBriefing() {
  const { state } = useMeeting();
  if (state?.you.role !== 'site') return null;
  return (
    <>
      <SiteReportForm meetingId={state.meeting.id} />
      <DocumentsPanel viewer="site" />
    </>
  );
}
