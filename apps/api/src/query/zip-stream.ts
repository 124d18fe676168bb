/** A minimal streaming ZIP writer (stored entries, no compression: the Parquet files are compressed already). */
import { once } from 'node:events';
import * as fs from 'node:fs';
import type { Writable } from 'node:stream';
import { crc32 } from 'node:zlib';

interface Entry { name: string; file: string; size: number; crc: number; offset: number }

async function crcOf(file: string): Promise<number> {
  let crc = 0;
  for await (const chunk of fs.createReadStream(file)) crc = crc32(chunk as Buffer, crc);
  return crc;
}

async function write(out: Writable, buf: Buffer) {
  if (!out.write(buf)) await once(out, 'drain');
}

const DOS_DATE = (d: Date) => ({
  time: (d.getHours() << 11) | (d.getMinutes() << 5) | Math.floor(d.getSeconds() / 2),
  date: ((d.getFullYear() - 1980) << 9) | ((d.getMonth() + 1) << 5) | d.getDate(),
});

/** Writes `files` (name inside the zip -> path on disk) to `out` without holding any file in memory. */
export async function writeZip(out: Writable, files: { name: string; file: string }[], modified: Date): Promise<void> {
  const { time, date } = DOS_DATE(modified);
  const entries: Entry[] = [];
  let offset = 0;
  for (const f of files) {
    const size = fs.statSync(f.file).size;
    const crc = await crcOf(f.file);
    const name = Buffer.from(f.name, 'utf8');
    const header = Buffer.alloc(30);
    header.writeUInt32LE(0x04034b50, 0); header.writeUInt16LE(20, 4); header.writeUInt16LE(0x0800, 6); header.writeUInt16LE(0, 8);
    header.writeUInt16LE(time, 10); header.writeUInt16LE(date, 12); header.writeUInt32LE(crc, 14);
    header.writeUInt32LE(size, 18); header.writeUInt32LE(size, 22); header.writeUInt16LE(name.length, 26); header.writeUInt16LE(0, 28);
    entries.push({ name: f.name, file: f.file, size, crc, offset });
    await write(out, Buffer.concat([header, name]));
    for await (const chunk of fs.createReadStream(f.file)) await write(out, chunk as Buffer);
    offset += 30 + name.length + size;
  }
  const central: Buffer[] = [];
  for (const e of entries) {
    const name = Buffer.from(e.name, 'utf8');
    const h = Buffer.alloc(46);
    h.writeUInt32LE(0x02014b50, 0); h.writeUInt16LE(20, 4); h.writeUInt16LE(20, 6); h.writeUInt16LE(0x0800, 8); h.writeUInt16LE(0, 10);
    h.writeUInt16LE(time, 12); h.writeUInt16LE(date, 14); h.writeUInt32LE(e.crc, 16); h.writeUInt32LE(e.size, 20); h.writeUInt32LE(e.size, 24);
    h.writeUInt16LE(name.length, 28); h.writeUInt16LE(0, 30); h.writeUInt16LE(0, 32); h.writeUInt16LE(0, 34); h.writeUInt16LE(0, 36);
    h.writeUInt32LE(0o100444 * 65536, 38); h.writeUInt32LE(e.offset, 42);
    central.push(h, name);
  }
  const dir = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0); end.writeUInt16LE(0, 4); end.writeUInt16LE(0, 6); end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10); end.writeUInt32LE(dir.length, 12); end.writeUInt32LE(offset, 16); end.writeUInt16LE(0, 20);
  await write(out, Buffer.concat([dir, end]));
}
