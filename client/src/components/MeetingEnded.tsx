import type { Meeting } from '@giaoban/shared';
import { useI18n } from '../hooks/useI18n';
import { Header } from './Header';

/** When the meeting closed: the hub's transition time, in the UI language's format. */
export function closedAt(meeting: Meeting): string | null {
  return meeting.transitions.findLast((tr) => tr.to === 'closed')?.at ?? null;
}

/**
 * The site's last screen: the meeting has ended (or the chair removed the site). Media has stopped
 * and nothing is left to click, so a ward office is never left watching a frozen chair.
 */
export function MeetingEnded({
  meeting,
  reason,
}: {
  /** Absent when the hub refused the join (opened after the close or the removal). */
  meeting?: Meeting | undefined;
  reason: 'ended' | 'removed';
}) {
  const { t, locale } = useI18n();
  const at = reason === 'ended' && meeting ? closedAt(meeting) : null;
  return (
    <div className="page">
      <Header {...(meeting ? { title: meeting.title } : {})} />
      <main id="main" className="content">
        <section
          className={`panel end-screen end-${reason}`}
          role="status"
          data-testid="meeting-ended"
          data-reason={reason}
        >
          <h2>{reason === 'ended' ? t('ended.title') : t('removed.title')}</h2>
          {at && (
            <p className="status-strong">
              {t('ended.at', {
                time: new Date(at).toLocaleString(locale, {
                  hour: '2-digit',
                  minute: '2-digit',
                  day: '2-digit',
                  month: '2-digit',
                  year: 'numeric',
                }),
              })}
            </p>
          )}
          <p>{reason === 'ended' ? t('ended.closeWindow') : t('removed.body')}</p>
        </section>
      </main>
    </div>
  );
}
