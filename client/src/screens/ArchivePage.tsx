import type {
  ArchiveFileView,
  ArchiveListing,
  ArchivePlayLink,
  Meeting,
  RetentionSettings,
} from '@giaoban/shared';
import { useCallback, useEffect, useRef, useState } from 'react';
import { useServices } from '../AppContext';
import { saveBlob } from '../api';
import { Header } from '../components/Header';
import { errorMessage, useAction } from '../hooks/useAction';
import { useAuth } from '../hooks/useAuth';
import { useI18n } from '../hooks/useI18n';
import { navigate } from '../hooks/useRoute';
import { formatVnDate, formatVnDateTime } from '../lib/vnDateTime';
import { ArchiveHoldPanel } from './records/ArchiveHoldPanel';
import { SignedMinutesPanel } from './records/SignedMinutesPanel';

/** "1,2 MB" in the UI language. */
function sizeText(bytes: number, locale: string): string {
  const f = (n: number) => n.toLocaleString(locale, { maximumFractionDigits: 1 });
  if (bytes >= 1024 ** 2) return `${f(bytes / 1024 ** 2)} MB`;
  if (bytes >= 1024) return `${f(bytes / 1024)} KB`;
  return `${bytes} B`;
}

/** "mm:ss" or "h:mm:ss" from milliseconds. */
function clock(ms: number): string {
  const s = Math.floor(ms / 1000);
  const mm = String(Math.floor((s % 3600) / 60)).padStart(2, '0');
  const ss = String(s % 60).padStart(2, '0');
  return s >= 3600 ? `${Math.floor(s / 3600)}:${mm}:${ss}` : `${mm}:${ss}`;
}

/** What a secretary looks for first: the recording, the signed minutes, the minutes, then the rest. */
const ORDER: readonly ArchiveFileView['kind'][] = [
  'recording',
  'recording.tracks',
  'minutes.signed',
  'minutes.pdf',
  'minutes.docx',
  'attendance.pdf',
  'attendance.xlsx',
  'attendance.csv',
  'reports.pdf',
  'reports.docx',
  'document',
  'report.file',
  'log',
  'chapters',
];
const rank = (f: ArchiveFileView) => ORDER.indexOf(f.kind);

/** A link is asked again this long before it expires (a seek after that would fail). */
const RENEW_BEFORE_MS = 60_000;

/**
 * The archive of one meeting (chair, secretary, admin): the recording with its chapters (agenda
 * items, speaking turns) to play from any of them, the minutes, attendance and log as filed
 * when the meeting ended, each with its SHA-256, and the signed minutes.
 */
export default function ArchivePage({ meetingId }: { meetingId: string }) {
  const { t, locale } = useI18n();
  const { api } = useServices();
  const { run, error, busy } = useAction();
  const role = useAuth()?.grant.role;
  const [now, setNow] = useState(0);
  const [listing, setListing] = useState<ArchiveListing | null>(null);
  const [meeting, setMeeting] = useState<Meeting | null>(null);
  const [playing, setPlaying] = useState<{
    file: ArchiveFileView;
    url: string;
    expiresAt: number;
  } | null>(null);
  const [retention, setRetention] = useState<RetentionSettings | null>(null);
  /** Why the player stopped for good (its link was refused: session ended, access taken back). */
  const [playerError, setPlayerError] = useState<string | null>(null);
  const video = useRef<HTMLVideoElement>(null);
  const base = `/api/meetings/${encodeURIComponent(meetingId)}/archive`;

  const load = useCallback(
    () => run(async () => setListing(await api.call<ArchiveListing>('GET', base))),
    [api, run, base],
  );
  useEffect(() => {
    void load();
  }, [load]);
  useEffect(() => {
    void run(async () => setMeeting(await api.meeting(meetingId)));
    void api
      .call<RetentionSettings>('GET', '/api/archive/retention')
      .then(setRetention)
      .catch(() => {});
  }, [api, run, meetingId]);
  // The recording is composed after the close: look again until it is filed.
  useEffect(() => {
    if (!listing?.pending) return;
    const timer = setTimeout(() => void load(), 3000);
    return () => clearTimeout(timer);
  }, [listing, load]);

  const download = (f: ArchiveFileView) =>
    run(async () => {
      const file = await api.file(`${base}/${f.sha256}`);
      saveBlob(file.blob, file.filename);
    });
  // The player streams from a short-lived signed link (the browser asks Range requests of it);
  // a link about to expire is renewed and the player resumes where it was.
  const linkFor = useCallback(
    async (f: ArchiveFileView) => {
      const link = await api.call<ArchivePlayLink>('POST', `${base}/${f.sha256}/link`);
      return { file: f, url: link.url, expiresAt: Date.parse(link.expiresAt) };
    },
    [api, base],
  );
  const play = (f: ArchiveFileView) =>
    run(async () => {
      setPlayerError(null);
      setPlaying(await linkFor(f));
    });
  const renew = useCallback(async () => {
    if (!playing) return;
    const v = video.current;
    const at = v?.currentTime ?? 0;
    const wasPlaying = v ? !v.paused : false;
    const next = await linkFor(playing.file).catch(() => null);
    if (!next) return;
    setPlaying(next);
    // After React swaps the src, put the player back where it was.
    requestAnimationFrame(() => {
      const el = video.current;
      if (!el) return;
      el.addEventListener(
        'loadedmetadata',
        () => {
          el.currentTime = at;
          if (wasPlaying) void el.play().catch(() => {});
        },
        { once: true },
      );
    });
  }, [playing, linkFor]);
  const jump = async (ms: number) => {
    if (playing && playing.expiresAt - Date.now() < RENEW_BEFORE_MS) await renew();
    const v = video.current;
    if (!v) return;
    v.currentTime = ms / 1000;
    void v.play().catch(() => {});
  };
  // A `<video>` error says nothing of why: ask the link itself (one byte) what the hub answers.
  // An expired link (or a media hiccup) is renewed; a refused one (ACCESS_REVOKED: the session
  // ended, access was taken back; the file went) stops the player and says why.
  const onVideoError = async () => {
    if (!playing) return;
    const res = await fetch(playing.url, { headers: { range: 'bytes=0-0' } }).catch(() => null);
    if (res && !res.ok) {
      const body = (await res.json().catch(() => null)) as { error?: { code?: string } } | null;
      const code = body?.error?.code;
      if (code && code !== 'TOKEN_EXPIRED') {
        setPlayerError(t('archive.player.stopped', { reason: errorMessage(t, { code }) }));
        return;
      }
    }
    await renew();
  };

  return (
    <div className="page archive">
      <Header title={t('archive.title')}>
        <button
          type="button"
          className="btn btn-ghost"
          data-testid="archive-back"
          onClick={() => navigate({ name: 'home' })}
        >
          {t('app.back')}
        </button>
        <button
          type="button"
          className="btn btn-light"
          data-testid="archive-to-search"
          onClick={() => navigate({ name: 'archiveSearch' })}
        >
          {t('archive.search.open')}
        </button>
      </Header>
      <main id="main" className="content">
        {meeting && (
          <section className="card" data-testid="archive-meeting">
            <h2>{meeting.title}</h2>
            <p className="muted">
              {t('meetings.scheduledAt', { time: formatVnDateTime(meeting.scheduledStart) })}
              {' · '}
              {t(`state.${meeting.state}`)}
            </p>
          </section>
        )}
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
        {listing?.pending && (
          <p className="notice" role="status" data-testid="archive-pending">
            {t('archive.pending')}
          </p>
        )}
        {playing && (
          <section className="card archive-player" data-testid="archive-player">
            <h2>
              {t('archive.kind.recording')}{' '}
              <span className="muted archive-file-name">{playing.file.name}</span>
            </h2>
            {playerError ? (
              // The link was refused: a player left spinning would tell her nothing.
              <p className="error" role="alert" data-testid="archive-player-error">
                {playerError}
              </p>
            ) : (
              <>
                {/* biome-ignore lint/a11y/useMediaCaption: a meeting recording has no caption track */}
                <video
                  ref={video}
                  src={playing.url}
                  controls
                  preload="metadata"
                  onError={() => void onVideoError()}
                  onTimeUpdate={(e) => setNow(e.currentTarget.currentTime * 1000)}
                  data-testid="archive-video"
                />
                {playing.file.chapters && playing.file.chapters.length > 0 && (
                  <>
                    <h3>{t('archive.chapters')}</h3>
                    <div className="archive-chapters">
                      {playing.file.chapters.map((c, i) => (
                        <button
                          key={`${c.kind}-${c.startMs}-${c.title}`}
                          type="button"
                          className={`btn ${c.kind === 'agenda' ? 'btn-primary' : ''}`}
                          data-testid={`archive-chapter-${i}`}
                          data-kind={c.kind}
                          data-start-ms={c.startMs}
                          aria-current={
                            now >= c.startMs && now < c.endMs && c.kind === 'agenda'
                              ? 'true'
                              : undefined
                          }
                          onClick={() => void jump(c.startMs)}
                        >
                          {clock(c.startMs)} · {c.title}
                        </button>
                      ))}
                    </div>
                  </>
                )}
              </>
            )}
          </section>
        )}
        {listing && (
          <ArchiveHoldPanel
            meetingId={meetingId}
            hold={listing.hold}
            mayChange={role === 'secretary' || role === 'admin'}
            onChanged={setListing}
          />
        )}
        {listing === null ? (
          <p role="status">{t('app.loading')}</p>
        ) : listing.files.length === 0 && !listing.pending ? (
          <p className="muted" data-testid="archive-empty">
            {t('archive.empty')}
          </p>
        ) : (
          <section className="card">
            <h2>{t('archive.files')}</h2>
            {retention && (
              <p className="muted" data-testid="archive-retention">
                {retention.policy.recordingMonths > 0
                  ? t('archive.retentionNote', { months: retention.policy.recordingMonths })
                  : t('archive.retentionForever')}{' '}
                {t('archive.checksumHelp')}
              </p>
            )}
            <table className="table archive-table" data-testid="archive-files">
              <thead>
                <tr>
                  <th>{t('archive.kind')}</th>
                  <th>{t('archive.name')}</th>
                  <th>{t('archive.size')}</th>
                  <th>{t('archive.filedAt')}</th>
                  <th>{t('archive.checksum')}</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {[...listing.files]
                  .sort((a, b) => rank(a) - rank(b))
                  .map((f) => (
                    <tr
                      key={`${f.kind}-${f.sha256}`}
                      data-testid={`archive-file-${f.kind}`}
                      data-expired={f.expired ? 'true' : undefined}
                    >
                      <td>{t(`archive.kind.${f.kind}`)}</td>
                      <td className="archive-name">
                        {f.name}
                        {f.keepUntil && (
                          <div className="muted" data-testid="archive-keep-until">
                            {t(
                              !listing.hold
                                ? 'archive.keepUntil'
                                : Date.parse(f.keepUntil) <= Date.now()
                                  ? 'archive.keepUntilHeld'
                                  : 'archive.keepUntilHeldSoon',
                              { date: formatVnDate(f.keepUntil) },
                            )}
                          </div>
                        )}
                      </td>
                      <td className="num">{sizeText(f.size, locale)}</td>
                      <td className="nowrap">{formatVnDateTime(f.at)}</td>
                      <td>
                        <code title={f.sha256}>{f.sha256.slice(0, 12)}…</code>
                      </td>
                      <td>
                        {f.expired ? (
                          <span className="muted" data-testid="archive-expired">
                            {t('archive.expired', {
                              months: f.expired.recordingMonths,
                              date: formatVnDate(f.expired.at),
                            })}
                          </span>
                        ) : (
                          <div className="btn-row">
                            {f.kind === 'recording' && (
                              <button
                                type="button"
                                className="btn btn-primary"
                                data-testid={`archive-play-${f.sha256}`}
                                disabled={busy}
                                onClick={() => void play(f)}
                              >
                                {t('archive.play')}
                              </button>
                            )}
                            <button
                              type="button"
                              className="btn"
                              data-testid={`archive-download-${f.sha256}`}
                              disabled={busy}
                              onClick={() => void download(f)}
                            >
                              {t('archive.download')}
                            </button>
                          </div>
                        )}
                      </td>
                    </tr>
                  ))}
              </tbody>
            </table>
          </section>
        )}
        {listing && (role === 'secretary' || role === 'admin') && (
          <SignedMinutesPanel meetingId={meetingId} ended onFiled={() => void load()} />
        )}
        {listing && role === 'chair' && (
          <section className="card" data-testid="archive-signed">
            <h2>{t('archive.signed')}</h2>
            {listing.signedMinutes ? (
              <p>
                {listing.signedMinutes.fileName ?? 'BienBan-DaKy.pdf'} ·{' '}
                <code>{listing.signedMinutes.sha256}</code>{' '}
                <button
                  type="button"
                  className="btn"
                  data-testid="archive-download-signed"
                  onClick={() =>
                    void run(async () => {
                      const file = await api.download(meetingId, 'minutes.signed.pdf');
                      saveBlob(file.blob, file.filename);
                    })
                  }
                >
                  {t('archive.download')}
                </button>
              </p>
            ) : (
              <p className="muted">{t('archive.signedNone')}</p>
            )}
          </section>
        )}
      </main>
    </div>
  );
}
