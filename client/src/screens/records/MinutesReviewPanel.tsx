import {
  type MinutesReviewFields,
  type MinutesReviewView,
  MinutesReviewFields as ReviewSchema,
} from '@giaoban/shared';
import { useEffect, useState } from 'react';
import { useServices } from '../../AppContext';
import { ApiError } from '../../api';
import { useAction } from '../../hooks/useAction';
import { useI18n } from '../../hooks/useI18n';
import type { MessageKey } from '../../i18n/catalogues';
import { type FormIssue, issuesByField, issueText } from '../../lib/formIssues';
import { formatVnDateTime } from '../../lib/vnDateTime';

/** The schema's bounds, shown on the fields (maxLength) so the limit is met while typing. */
const LIMITS = { title: 200, name: 200, participants: 50, conclusions: 20_000, closing: 1000 };

interface Draft {
  chairTitle: string;
  secretaryTitle: string;
  /** `key` identifies a row while it is edited (React key), never sent. */
  participants: Array<{ key: number; name: string; title: string }>;
  conclusions: Record<string, string>;
  closingText: string;
}

let nextKey = 1;

function draftOf(view: MinutesReviewView): Draft {
  const r = view.review;
  const d = view.defaults;
  return {
    chairTitle: r.chairTitle ?? d.chairTitle ?? '',
    secretaryTitle: r.secretaryTitle ?? d.secretaryTitle ?? '',
    participants: (r.participants ?? []).map((p) => ({
      key: nextKey++,
      name: p.name,
      title: p.title ?? '',
    })),
    conclusions: Object.fromEntries(
      d.items
        .filter((i) => i.held)
        .map((i) => [i.id, r.conclusions?.[i.id] ?? i.conclusions ?? '']),
    ),
    closingText: r.closingText ?? '',
  };
}

/** A participant row the secretary typed something into (blank rows are not sent). */
const isFilled = (p: { name: string; title: string }) => Boolean(p.name.trim() || p.title.trim());

/** What the hub stores: only what differs from the meeting's own record. */
function fieldsOf(draft: Draft, view: MinutesReviewView): MinutesReviewFields {
  const d = view.defaults;
  const out: MinutesReviewFields = {};
  if (draft.chairTitle.trim() !== (d.chairTitle ?? '')) out.chairTitle = draft.chairTitle.trim();
  if (draft.secretaryTitle.trim() !== (d.secretaryTitle ?? ''))
    out.secretaryTitle = draft.secretaryTitle.trim();
  const people = draft.participants
    .filter(isFilled)
    .map((p) => ({ name: p.name.trim(), ...(p.title.trim() ? { title: p.title.trim() } : {}) }));
  if (people.length > 0) out.participants = people;
  const changed = Object.entries(draft.conclusions).filter(
    ([id, text]) => text !== (d.items.find((i) => i.id === id)?.conclusions ?? ''),
  );
  if (changed.length > 0) out.conclusions = Object.fromEntries(changed);
  if (draft.closingText.trim()) out.closingText = draft.closingText.trim();
  return out;
}

const FIELD: Record<string, MessageKey> = {
  chairTitle: 'review.chairTitle',
  secretaryTitle: 'review.secretaryTitle',
  participants: 'review.participants',
  conclusions: 'review.conclusions',
  closingText: 'review.closing',
};

/**
 * The secretary reviews what the minutes will say before she exports them for signing: the
 * chair's and her own position, the named participants (leaders at the host point), the
 * conclusions of every item that was held, and the closing line. Checked with the hub's schema
 * before sending (messages name the field and the limit); saved as a whole with the version it
 * started from, so a second tab cannot silently overwrite it; read-only once signed minutes are
 * filed.
 */
export function MinutesReviewPanel({ meetingId }: { meetingId: string }) {
  const { t } = useI18n();
  const { api } = useServices();
  const [view, setView] = useState<MinutesReviewView | null>(null);
  const [draft, setDraft] = useState<Draft | null>(null);
  const [issues, setIssues] = useState<Array<{ key: string; text: string }>>([]);
  const [saved, setSaved] = useState(false);
  const [conflict, setConflict] = useState(false);
  const load = useAction();
  const save = useAction();

  const reload = () =>
    load.run(async () => {
      const v = await api.minutesReview(meetingId);
      setView(v);
      setDraft(draftOf(v));
      setConflict(false);
    });
  // biome-ignore lint/correctness/useExhaustiveDependencies: load once per meeting
  useEffect(() => {
    void reload();
  }, [meetingId]);

  if (!view || !draft) {
    return load.error ? (
      <p className="error" role="alert">
        {load.error}
      </p>
    ) : null;
  }
  const locked = view.locked;
  const byField = new Map(issues.map((i) => [i.key, i.text]));
  const fieldError = (key: string) =>
    byField.has(key) ? (
      <span className="field-error" id={`err-review-${key}`} data-testid={`review-error-${key}`}>
        {byField.get(key)}
      </span>
    ) : null;
  const invalid = (key: string) =>
    byField.has(key) ? { 'aria-invalid': true, 'aria-describedby': `err-review-${key}` } : {};
  const edit = (patch: Partial<Draft>) => {
    setSaved(false);
    setDraft({ ...draft, ...patch });
  };

  const submit = () => {
    setSaved(false);
    setIssues([]);
    const fields = fieldsOf(draft, view);
    const parsed = ReviewSchema.safeParse(fields);
    if (!parsed.success) {
      // The schema numbers the participants sent (blank rows left out); the form numbers its
      // rows: an issue goes to the row on screen it is about.
      const sentRows = draft.participants.flatMap((p, i) => (isFilled(p) ? [i] : []));
      const found = [...issuesByField(parsed.error.issues as FormIssue[]).entries()].map(
        ([key, issue]) => {
          const [head, index, sub] = issue.path.map(String);
          let field = t(FIELD[head ?? ''] ?? 'form.thisField');
          if (head === 'participants' && index !== undefined && sub) {
            const row = sentRows[Number(index)] ?? Number(index);
            field = `${t('review.participant', { n: row + 1 })} — ${t(
              sub === 'name' ? 'review.name' : 'review.position',
            )}`;
            return { key: `participants.${row}.${sub}`, text: issueText(t, issue, field) };
          }
          return { key, text: issueText(t, issue, field) };
        },
      );
      setIssues(found);
      return;
    }
    void save.run(async () => {
      try {
        const v = await api.saveMinutesReview(meetingId, {
          ...parsed.data,
          expectedVersion: view.review.version,
        });
        setView(v);
        setDraft(draftOf(v));
        setSaved(true);
      } catch (e) {
        if (e instanceof ApiError && e.code === 'CONFLICT') {
          setConflict(true);
          return;
        }
        throw e;
      }
    });
  };

  const heldItems = view.defaults.items.filter((i) => i.held);
  const notHeld = view.defaults.items.filter((i) => !i.held);
  return (
    <section className="panel review-panel" aria-labelledby="review-title" data-testid="review">
      <h2 id="review-title">{t('review.title')}</h2>
      <p className="hint">{locked ? t('review.locked') : t('review.hint')}</p>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
      >
        <fieldset disabled={locked || save.busy}>
          <div className="form-grid">
            <label>
              {t('review.chairTitle')} ({view.defaults.chairName})
              <input
                data-testid="review-chair-title"
                value={draft.chairTitle}
                maxLength={LIMITS.title}
                onChange={(e) => edit({ chairTitle: e.target.value })}
                {...invalid('chairTitle')}
              />
              {fieldError('chairTitle')}
            </label>
            <label>
              {t('review.secretaryTitle')} ({view.defaults.secretaryName})
              <input
                data-testid="review-secretary-title"
                value={draft.secretaryTitle}
                maxLength={LIMITS.title}
                onChange={(e) => edit({ secretaryTitle: e.target.value })}
                {...invalid('secretaryTitle')}
              />
              {fieldError('secretaryTitle')}
            </label>
          </div>

          <h3>{t('review.participants')}</h3>
          <p className="hint">{t('review.participantsHint')}</p>
          {draft.participants.map((p, i) => (
            <div
              className="form-grid participant-row"
              key={p.key}
              data-testid={`review-participant-${i}`}
            >
              <label>
                {t('review.name')}
                <input
                  value={p.name}
                  maxLength={LIMITS.name}
                  data-testid={`review-participant-name-${i}`}
                  onChange={(e) =>
                    edit({
                      participants: draft.participants.map((x, j) =>
                        j === i ? { ...x, name: e.target.value } : x,
                      ),
                    })
                  }
                  {...invalid(`participants.${i}.name`)}
                />
                {fieldError(`participants.${i}.name`)}
              </label>
              <label>
                {t('review.position')}
                <input
                  value={p.title}
                  maxLength={LIMITS.title}
                  data-testid={`review-participant-title-${i}`}
                  onChange={(e) =>
                    edit({
                      participants: draft.participants.map((x, j) =>
                        j === i ? { ...x, title: e.target.value } : x,
                      ),
                    })
                  }
                />
              </label>
              <button
                type="button"
                className="btn btn-small participant-remove"
                aria-label={t('review.removeParticipant', { n: i + 1 })}
                data-testid={`review-participant-remove-${i}`}
                onClick={() => {
                  // The rows below move up a number: their old messages would name the wrong row.
                  setIssues(issues.filter((x) => !x.key.startsWith('participants.')));
                  edit({ participants: draft.participants.filter((_, j) => j !== i) });
                }}
              >
                {t('review.remove')}
              </button>
            </div>
          ))}
          {fieldError('participants')}
          <button
            type="button"
            className="btn"
            data-testid="review-add-participant"
            disabled={draft.participants.length >= LIMITS.participants}
            onClick={() =>
              edit({
                participants: [...draft.participants, { key: nextKey++, name: '', title: '' }],
              })
            }
          >
            + {t('review.addParticipant')}
          </button>

          <h3>{t('review.conclusions')}</h3>
          {heldItems.length === 0 && <p className="muted">{t('review.noItemsHeld')}</p>}
          {heldItems.map((item) => (
            <label key={item.id} className="block">
              {t('review.itemConclusion', { n: item.number, title: item.title })}
              <textarea
                rows={4}
                maxLength={LIMITS.conclusions}
                data-testid={`review-conclusion-${item.id}`}
                value={draft.conclusions[item.id] ?? ''}
                onChange={(e) =>
                  edit({ conclusions: { ...draft.conclusions, [item.id]: e.target.value } })
                }
              />
              <span className="muted counter">
                {(draft.conclusions[item.id] ?? '').length}/{LIMITS.conclusions}
              </span>
            </label>
          ))}
          {notHeld.length > 0 && (
            <p className="muted" data-testid="review-not-held">
              {t('review.notHeld', { items: notHeld.map((i) => i.number).join(', ') })}
            </p>
          )}

          <label className="block">
            {t('review.closing')}
            <textarea
              rows={2}
              maxLength={LIMITS.closing}
              data-testid="review-closing"
              placeholder={view.defaults.closingText}
              value={draft.closingText}
              onChange={(e) => edit({ closingText: e.target.value })}
              {...invalid('closingText')}
            />
            <span className="muted counter">
              {t('review.closingHint')} {draft.closingText.length}/{LIMITS.closing}
            </span>
            {fieldError('closingText')}
          </label>
          <div className="btn-row">
            <button
              type="submit"
              className="btn btn-primary btn-large"
              data-testid="review-save"
              disabled={locked || save.busy}
            >
              {t('review.save')}
            </button>
          </div>
        </fieldset>
      </form>
      {issues.length > 0 && (
        <div className="error" role="alert" data-testid="review-issues">
          <ul>
            {issues.map((i) => (
              <li key={i.key}>{i.text}</li>
            ))}
          </ul>
        </div>
      )}
      {conflict && (
        <p className="error" role="alert" data-testid="review-conflict">
          {t('review.conflict')}{' '}
          <button type="button" className="btn btn-small" onClick={() => void reload()}>
            {t('review.reload')}
          </button>
        </p>
      )}
      {save.error && (
        <p className="error" role="alert">
          {save.error}
        </p>
      )}
      {saved && view.review.updatedAt && (
        <p className="success" role="status" data-testid="review-saved">
          {t('review.saved', {
            time: formatVnDateTime(view.review.updatedAt),
            version: view.review.version,
          })}
        </p>
      )}
    </section>
  );
}
