import type { FiledSignedMinutes, SignedMinutesResult } from '@giaoban/shared';
import { useEffect, useState } from 'react';
import { useServices } from '../../AppContext';
import { saveBlob } from '../../api';
import { FilePicker } from '../../components/FilePicker';
import { useAction } from '../../hooks/useAction';
import { useI18n } from '../../hooks/useI18n';
import { formatVnDateTime } from '../../lib/vnDateTime';

/**
 * The signed minutes come back: the secretary picks the PDF that chair and secretary signed with
 * their own tools; the hub checks that it is the PDF it issued plus signatures, lists every signer
 * and files it with the meeting, or says why it refused it.
 */
export function SignedMinutesPanel({
  meetingId,
  ended,
  onFiled,
}: {
  meetingId: string;
  ended: boolean;
  /** Told when an upload is filed (the archive lists it then). */
  onFiled?: () => void;
}) {
  const { t, lang } = useI18n();
  const { api } = useServices();
  const [filed, setFiled] = useState<FiledSignedMinutes | null>(null);
  const [refused, setRefused] = useState<Extract<SignedMinutesResult, { accepted: false }> | null>(
    null,
  );
  const action = useAction();
  useEffect(() => {
    void action.run(async () => setFiled((await api.signedMinutes(meetingId)).filed));
  }, [action.run, api, meetingId]);

  return (
    <section className="panel" aria-labelledby="signed-title" data-testid="signed-minutes">
      <h2 id="signed-title">{t('signed.title')}</h2>
      {!ended ? (
        <p className="muted">{t('signed.afterEnd')}</p>
      ) : (
        <>
          <p className="hint">{t('signed.hint')}</p>
          <FilePicker
            label={t('signed.choose')}
            accept="application/pdf,.pdf"
            disabled={action.busy}
            testId="signed-file"
            onChange={(e) => {
              const file = e.target.files?.[0];
              e.target.value = '';
              if (!file) return;
              setRefused(null);
              void action.run(async () => {
                const r = await api.uploadSignedMinutes(
                  meetingId,
                  await file.arrayBuffer(),
                  file.name,
                );
                if (r.accepted) {
                  setFiled(r.filed);
                  onFiled?.();
                } else setRefused(r);
              });
            }}
          />
        </>
      )}
      {action.busy && <p className="muted">{t('signed.checking')}</p>}
      {refused && (
        <p
          className="error"
          role="alert"
          data-testid="signed-refused"
          data-problem={refused.problem}
        >
          {t('signed.refused', { reason: lang === 'vi' ? refused.reasonVi : refused.reason })}
        </p>
      )}
      {action.error && (
        <p className="error" role="alert">
          {action.error}
        </p>
      )}
      {filed && (
        <div data-testid="signed-filed" data-signatures={filed.signatures.length}>
          <p className="success" role="status">
            {t('signed.filed', {
              time: formatVnDateTime(filed.uploadedAt),
              by: filed.uploadedBy,
              count: filed.signatures.length,
            })}
          </p>
          <ol className="signature-list">
            {filed.signatures.map((s) => (
              <li key={s.index} data-testid={`signature-${s.index}`}>
                <strong>{s.signer}</strong>
                {s.organization ? ` — ${s.organization}` : ''}
                <br />
                <span className="muted">
                  {t('signed.signedAt', {
                    time:
                      (s.signingTime ?? s.claimedTime)
                        ? formatVnDateTime((s.signingTime ?? s.claimedTime)!)
                        : '—',
                    issuer: s.issuer,
                  })}
                </span>
              </li>
            ))}
          </ol>
          {!filed.chainVerified && <p className="hint">{t('signed.chainNote')}</p>}
          <button
            type="button"
            className="btn"
            data-testid="signed-download"
            onClick={() =>
              void action.run(async () => {
                const f = await api.download(meetingId, 'minutes.signed.pdf');
                saveBlob(f.blob, f.filename);
              })
            }
          >
            ⬇ {t('signed.download')}
          </button>
        </div>
      )}
    </section>
  );
}
