import { lazy, Suspense, useEffect } from 'react';
import { useAuth } from './hooks/useAuth';
import { navigate, useRoute } from './hooks/useRoute';
import { useT } from './hooks/useT';
import { MeetingList } from './screens/MeetingList';
import { MeetingRoute } from './screens/MeetingRoute';
import { SignIn } from './screens/SignIn';

// Consoles few people open are separate chunks: the first load stays small for 3,000 ward PCs.
const AdminPage = lazy(() => import('./screens/AdminPage'));
const PrintAttendance = lazy(() => import('./screens/PrintAttendance'));
const ArchivePage = lazy(() => import('./screens/ArchivePage'));
const ArchiveSearchPage = lazy(() => import('./screens/ArchiveSearchPage'));

export function App() {
  const t = useT();
  const [route] = useRoute();
  const session = useAuth();

  // A site signed in with an invitation goes straight to its meeting.
  const inviteMeeting = session?.grant.meetingId;
  useEffect(() => {
    if (route.name === 'home' && inviteMeeting)
      navigate({ name: 'meeting', meetingId: inviteMeeting }, { replace: true });
  }, [route.name, inviteMeeting]);

  const loading = <p role="status">{t('app.loading')}</p>;
  if (route.name === 'join') return <SignIn inviteToken={route.token} />;
  if (!session) return <SignIn />;
  switch (route.name) {
    case 'meeting':
      return <MeetingRoute key={route.meetingId} meetingId={route.meetingId} />;
    case 'print':
      return (
        <Suspense fallback={loading}>
          <PrintAttendance meetingId={route.meetingId} />
        </Suspense>
      );
    case 'archive':
      return (
        <Suspense fallback={loading}>
          <ArchivePage key={route.meetingId} meetingId={route.meetingId} />
        </Suspense>
      );
    case 'archiveSearch':
      return (
        <Suspense fallback={loading}>
          <ArchiveSearchPage />
        </Suspense>
      );
    case 'admin':
      return (
        <Suspense fallback={loading}>
          <AdminPage />
        </Suspense>
      );
    default:
      return <MeetingList />;
  }
}
