// The proof-of-play export in the Outsmart Playout Reporting Standard layout (Playout File Format,
// field order of version 1.5): CSV, UTF-8, no header, LF line ends, one record per play. What Crier
// has no equivalent for (SPACE frame, buyer, agency and brand ids) is left empty; README says which.
import type { Catalogue } from '../../playlists/catalogue.schema.js';
import { zoneOffsetMs } from '../../playlists/wall-clock.js';
import type { AiringExportReader, ExportQuery } from '../storage/airing.export.js';

/** A CSV field: quoted only when it must be (comma, quote or line break), quotes doubled. */
const field = (value: string | number | null | undefined) => {
  if (value === null || value === undefined) return '';
  const text = String(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};

/** UTC time without zone letter, as the format asks: yyyy-mm-ddThh:mm:ss.sss */
const utc = (iso: string) => new Date(iso).toISOString().slice(0, 23);

function offset(ms: number, timeZone: string): string {
  const minutes = Math.round(zoneOffsetMs(ms, timeZone) / 60_000);
  if (minutes === 0) return 'Z';
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

export async function* oprsLines(reader: AiringExportReader, q: ExportQuery, catalogue: Readonly<Catalogue>): AsyncGenerator<string> {
  const titles = new Map(catalogue.media.map((m) => [m.id, m.title]));
  for (const segment of await reader.segments(q)) {
    for await (const p of reader.records(segment)) {
      const start = Date.parse(p.startedAt);
      const record = [
        null, // frameid: a SPACE frame id, which Crier's screens do not have
        p.screenId.slice(0, 36), // playerref
        utc(p.startedAt), offset(start, q.timeZone), // startdate, startutcoffset
        utc(p.endedAt), offset(Date.parse(p.endedAt), q.timeZone), // enddate, endutcoffset
        Math.max(Date.parse(p.endedAt) - start, 0), // spotlength (ms)
        null, // shareoftime: for scrollers; a play here has the screen to itself
        p.manifestVersion.slice(0, 36), // orderid: the schedule version (manifest) that made it air
        p.itemId.slice(0, 36), // lineid: the playlist item
        null, null, null, // spacebuyerid, spaceagencyid, spacebrandid: SPACE ids, none here
        null, // buyercampaignref
        p.mediaId.slice(0, 64), // creativeid
        (titles.get(p.mediaId) ?? p.mediaId).slice(0, 128), // creativename
        p.hash, // thirdpartycreativeref: the content hash of the file that aired
        p.outcome ?? (p.completed ? 'completed' : 'cut'), // creativetriggerevent: used for how the airing ended
        p.id, // mediaownerplayoutref: the play id, unique for ever
      ];
      yield `${record.map(field).join(',')}\n`;
    }
  }
}
