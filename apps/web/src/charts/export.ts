/** Saving a rendered chart: standalone SVG text, and PNG via a canvas at twice the size. */
export function serializeSvg(svg: SVGSVGElement): string {
  const clone = svg.cloneNode(true) as SVGSVGElement;
  clone.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
  clone.setAttribute('width', String(svg.clientWidth || svg.getAttribute('width') || 640));
  clone.setAttribute('height', String(svg.clientHeight || svg.getAttribute('height') || 400));
  clone.querySelectorAll('[aria-hidden="true"].plot-tip-ignore').forEach((n) => n.remove());
  return new XMLSerializer().serializeToString(clone);
}

export function downloadBlob(blob: Blob, filename: string) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export function saveSvg(svg: SVGSVGElement, filename: string) {
  downloadBlob(new Blob([serializeSvg(svg)], { type: 'image/svg+xml' }), `${filename}.svg`);
}

export async function savePng(svg: SVGSVGElement, filename: string) {
  const width = svg.clientWidth || 640, height = svg.clientHeight || 400, scale = 2;
  const img = new Image();
  img.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(serializeSvg(svg))}`;
  await img.decode();
  const canvas = document.createElement('canvas');
  canvas.width = width * scale;
  canvas.height = height * scale;
  const ctx = canvas.getContext('2d')!;
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  ctx.drawImage(img, 0, 0, canvas.width, canvas.height);
  const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/png'));
  if (blob) downloadBlob(blob, `${filename}.png`);
}
