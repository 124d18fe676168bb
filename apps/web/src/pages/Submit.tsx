import { type FormEvent, useEffect, useId, useRef, useState } from 'react';
import type { Submission, SubmissionError } from '../api/types';
import { type Column, DataTable } from '../components/DataTable';
import { useT } from '../i18n/i18n';
import { formatNumber } from '../lib/format';
import { downloadWithKey, FINAL, UploadError, uploadFile, waitForResult } from './submit/upload';

type Phase = { step: 'idle' } | { step: 'uploading'; fraction: number } | { step: 'processing'; submission: Submission } | { step: 'done'; submission: Submission } | { step: 'failed'; message: string };
const STEPS = ['uploading', 'received', 'validating', 'final'] as const;

export default function Submit() {
  const { t } = useT();
  const id = useId();
  const [key, setKey] = useState('');
  const [file, setFile] = useState<File | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [phase, setPhase] = useState<Phase>({ step: 'idle' });
  const abort = useRef<AbortController | null>(null);
  useEffect(() => () => abort.current?.abort(), []);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!key.trim()) return setProblem(t('submit.needKey'));
    if (!file) return setProblem(t('submit.needFile'));
    setProblem(null);
    abort.current?.abort();
    abort.current = new AbortController();
    try {
      setPhase({ step: 'uploading', fraction: 0 });
      const created = await uploadFile(file, key.trim(), (fraction) => setPhase({ step: 'uploading', fraction }));
      setPhase({ step: FINAL.has(created.status) ? 'done' : 'processing', submission: created });
      if (FINAL.has(created.status)) return;
      const final = await waitForResult(created.id, key.trim(), (s) => setPhase({ step: FINAL.has(s.status) ? 'done' : 'processing', submission: s }), abort.current.signal);
      setPhase({ step: 'done', submission: final });
    } catch (err) {
      if ((err as Error).name === 'AbortError') return;
      const status = err instanceof UploadError ? err.status : 0;
      setPhase({ step: 'failed', message: status === 401 || status === 403 ? t('submit.authFailed') : t('submit.failed', { message: (err as Error).message }) });
    }
  };

  const busy = phase.step === 'uploading' || phase.step === 'processing';
  return (
    <>
      <h1>{t('submit.title')}</h1>
      <p className="lead">{t('submit.lead')}</p>
      <p><a className="button secondary" href="/api/v1/submissions/template.csv" download>{t('submit.template')}</a></p>
      <form className="panel" onSubmit={submit} noValidate aria-describedby={problem ? `${id}-problem` : undefined}>
        <div className="field">
          <label htmlFor={`${id}-key`}>{t('submit.key')}</label>
          <input id={`${id}-key`} name="key" type="password" autoComplete="off" spellCheck={false} value={key} onChange={(e) => setKey(e.target.value)} aria-describedby={`${id}-key-help`} aria-invalid={problem === t('submit.needKey') || undefined} />
          <p className="help" id={`${id}-key-help`}>{t('submit.keyHelp')}</p>
        </div>
        <div className="field" style={{ marginTop: '.8rem' }}>
          <label htmlFor={`${id}-file`}>{t('submit.file')}</label>
          <input id={`${id}-file`} name="file" type="file" accept=".csv,.json,.ndjson,.jsonl,.parquet,.arrow,text/csv,application/json" onChange={(e) => setFile(e.target.files?.[0] ?? null)} aria-describedby={`${id}-file-help`} />
          <p className="help" id={`${id}-file-help`}>{t('submit.fileHelp')}</p>
        </div>
        {problem && <p className="bad" id={`${id}-problem`} role="alert">{problem}</p>}
        <p><button type="submit" className="button" disabled={busy}>{busy ? t('submit.sending') : t('submit.send')}</button></p>
      </form>
      {phase.step !== 'idle' && <Progress phase={phase} apiKey={key.trim()} />}
    </>
  );
}

function stepOf(phase: Phase): number {
  if (phase.step === 'uploading') return 0;
  if (phase.step === 'processing') return phase.submission.status === 'validating' ? 2 : 1;
  return 3;
}

function Progress({ phase, apiKey }: { phase: Phase; apiKey: string }) {
  const { lang, t } = useT();
  const current = stepOf(phase);
  const submission = phase.step === 'processing' || phase.step === 'done' ? phase.submission : null;
  const rejected = submission?.status === 'rejected';
  const labels = [t('submit.stepUpload'), t('status.received'), t('status.validating'), submission && phase.step === 'done' ? t(`status.${submission.status}`) : `${t('status.accepted')} / ${t('status.rejected')}`];
  return (
    <section className="panel" aria-labelledby="progress-title" data-testid="submission-progress">
      <h2 id="progress-title">{t('submit.progress')}</h2>
      <ol className="progress" aria-label={t('submit.progress')}>
        {STEPS.map((s, i) => (
          <li key={s} className={i < current ? 'done' : i === current ? (phase.step === 'failed' || (i === 3 && rejected) ? 'bad' : 'current') : undefined} aria-current={i === current ? 'step' : undefined}>{labels[i]}</li>
        ))}
      </ol>
      {phase.step === 'uploading' && <progress max={1} value={phase.fraction} aria-label={t('submit.sending')}>{Math.round(phase.fraction * 100)}%</progress>}
      <div role="status" aria-live="polite">
        {phase.step === 'failed' && <p className="bad" role="alert">{phase.message}</p>}
        {submission && (
          <>
            <p><strong>{t('submit.id', { id: submission.id })}</strong>: <span data-testid="submission-status" className={rejected ? 'bad' : submission.status === 'accepted' ? 'ok' : undefined}>{t(`status.${submission.status}`)}</span>
              {submission.rowCount != null && <> · {t('submit.rows', { n: formatNumber(submission.rowCount, lang) })}</>}
              {submission.errorCount != null && <> · {t('submit.errors', { n: formatNumber(submission.errorCount, lang) })}</>}</p>
            {phase.step === 'done' && <Report submission={submission} apiKey={apiKey} />}
          </>
        )}
      </div>
    </section>
  );
}

function Report({ submission, apiKey }: { submission: Submission; apiKey: string }) {
  const { t } = useT();
  const errors = submission.errors ?? [];
  const columns: Column<SubmissionError>[] = [
    { key: 'row', label: t('col.row'), numeric: true, sortValue: (e) => e.row, render: (e) => e.row ?? '–' },
    { key: 'column', label: t('col.column'), sortValue: (e) => e.column, render: (e) => e.column ?? '–' },
    { key: 'code', label: t('col.code'), sortValue: (e) => e.code, render: (e) => <code>{e.code}</code> },
    { key: 'message', label: t('col.message'), render: (e) => e.message },
  ];
  if (submission.status === 'accepted') return <p className="ok">{t('submit.reportOk')}</p>;
  if (submission.status !== 'rejected') return null;
  return (
    <div data-testid="validation-report">
      <h3>{t('submit.report')}</h3>
      <p className="bad">{t('submit.reportBad')}</p>
      {(submission.errorCount ?? 0) > errors.length && <p>{t('submit.moreErrors', { n: errors.length })}</p>}
      <p><button type="button" className="button secondary" onClick={() => void downloadWithKey(`/api/v1/submissions/${submission.id}/errors.csv`, apiKey, `submission-${submission.id}-errors.csv`)}>{t('submit.errorsCsv')}</button></p>
      <DataTable rows={errors} columns={columns} caption={t('submit.report')} rowKey={(e) => `${e.row}-${e.column}-${e.code}-${e.message}`} maxHeight={480} />
    </div>
  );
}
