import type { Submission } from '../../api/types';

export class UploadError extends Error {
  constructor(readonly status: number, message: string) { super(message); }
}

const messageOf = (body: string, fallback: string) => {
  try { const j = JSON.parse(body); return Array.isArray(j.message) ? j.message.join('; ') : j.message ?? fallback; } catch { return body || fallback; }
};

/** Multipart upload with progress (fetch cannot report upload progress; XHR can). */
export function uploadFile(file: File, key: string, onProgress: (fraction: number) => void): Promise<Submission> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', '/api/v1/submissions');
    xhr.setRequestHeader('Authorization', `Bearer ${key}`);
    xhr.setRequestHeader('Accept', 'application/json');
    xhr.upload.onprogress = (e) => e.lengthComputable && onProgress(e.loaded / e.total);
    xhr.onload = () => (xhr.status >= 200 && xhr.status < 300
      ? resolve(JSON.parse(xhr.responseText) as Submission)
      : reject(new UploadError(xhr.status, messageOf(xhr.responseText, xhr.statusText))));
    xhr.onerror = () => reject(new UploadError(0, 'network error'));
    const form = new FormData();
    form.append('file', file, file.name);
    xhr.send(form);
  });
}

export const FINAL = new Set(['accepted', 'rejected', 'superseded']);

/** Polls the submission (the API holds each request up to `wait` seconds) until it is final. */
export async function waitForResult(id: string, key: string, onUpdate: (s: Submission) => void, signal: AbortSignal): Promise<Submission> {
  for (;;) {
    const res = await fetch(`/api/v1/submissions/${encodeURIComponent(id)}?wait=5`, { headers: { Authorization: `Bearer ${key}`, Accept: 'application/json' }, signal });
    if (!res.ok) throw new UploadError(res.status, messageOf(await res.text(), res.statusText));
    const s = (await res.json()) as Submission;
    onUpdate(s);
    if (FINAL.has(s.status)) return s;
    await new Promise((r) => setTimeout(r, 400));
  }
}

export async function downloadWithKey(url: string, key: string, filename: string) {
  const res = await fetch(url, { headers: { Authorization: `Bearer ${key}` } });
  if (!res.ok) throw new UploadError(res.status, res.statusText);
  const blob = await res.blob();
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
}
