import { DocumentsPanel } from '../components/documents/DocumentsPanel';
import { PresentationStage } from '../components/documents/PresentationStage';
import { NoticeBar } from '../components/opinions/NoticeBar';
import { OpinionForm, OpinionsPanel } from '../components/opinions/OpinionsPanel';
import { VotePanel } from '../components/votes/VotePanel';
import { useMeeting } from '../hooks/useMeeting';
import { ReportBoardPanel } from '../screens/reports/ReportBoardPanel';
import { SiteReportForm } from '../screens/reports/SiteReportForm';
import './briefing.css';

/**
 * The briefing beyond video (issue #14), one bundle per screen so each screen plugs it in with
 * one line in the side column: chair (vote, written opinions, notice, documents to present),
 * secretary (documents, opinions), site in the meeting (vote, opinion, documents, report) and
 * lobby (report, documents); and one line in the main column: the presented document on the
 * chair's and the sites' stage (with the chair's notice for sites), the report board under the
 * secretary's attendance table (it needs the width; it is the secretary's work before the meeting).
 */
export function ChairBriefing() {
  const { state } = useMeeting();
  if (!state) return null;
  const role = state.you.role;
  return (
    <>
      <VotePanel viewer={role} />
      <NoticeBar viewer={role} />
      <DocumentsPanel viewer={role} />
    </>
  );
}

/**
 * The chair's written opinions, right under the floor queue: both are the sites asking to be
 * heard, one by voice and one in writing, and the chair reads them out between speakers.
 */
export function ChairFloorBriefing() {
  const { state } = useMeeting();
  if (!state) return null;
  return <OpinionsPanel viewer={state.you.role} />;
}

export function SecretaryBriefing() {
  const { state } = useMeeting();
  if (!state) return null;
  const role = state.you.role;
  return (
    <>
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

/** Chair's and site's main column: the presented document, on the stage. */
export function StageBriefing() {
  const { state } = useMeeting();
  if (!state) return null;
  const role = state.you.role;
  return (
    <>
      {role === 'site' && <NoticeBar viewer="site" />}
      <PresentationStage viewer={role} />
    </>
  );
}

/** Secretary's main column: the report board, under the attendance table. */
export function SecretaryMainBriefing() {
  const { state } = useMeeting();
  if (!state) return null;
  return <ReportBoardPanel viewer={state.you.role} meetingId={state.meeting.id} />;
}
