// Why a timeline segment airs, in words a clerk reads: the rule by its kind and name, the playlist by
// its name, what it took precedence over, and the rules passed over because they had nothing to air
// here (a station: no audio). Built from the preview's fields, never from the technical `reason` string.
import { pick } from './i18n.js';

export interface SourceRefView {
  kind: string;
  id: string | null;
  priority: number;
}

export interface SegmentWhy {
  source: SourceRefView;
  sourceName: string | null;
  playlistName: string | null;
  beat: SourceRefView[];
  beatNames: (string | null)[];
  passed: { source: SourceRefView; name: string | null; playlistName: string }[];
  isQuiet: boolean;
  isStation: boolean;
}

const s = pick(
  {
    kinds: { default: '默认宣传', schedule: '排期', broadcast: '定时广播', alert: '紧急插播', none: '无可播内容' } as Record<string, string>,
    named: (kind: string, name: string) => `${kind}「${name}」`,
    priority: (p: number) => `（优先级 ${p}）`,
    plays: (playlist: string) => `播放「${playlist}」`,
    over: (names: string[]) => `，优先于${names.join('、')}`,
    noAudio: (playlist: string) => `「${playlist}」中没有音频`,
    nothingAirable: (playlist: string) => `「${playlist}」中没有可播的节目（未审核、已过期或仍在处理）`,
    airingDefaultAudio: '播放默认宣传音频',
    airingDefault: '播放默认宣传',
    airingInstead: (playlist: string) => `改播「${playlist}」`,
    silent: '无节目可播',
    so: (missing: string, instead: string) => `${missing}，${instead}`,
    quiet: '静音时段，不播音频',
    sep: '；',
  },
  {
    kinds: { default: 'default campaign', schedule: 'schedule', broadcast: 'broadcast', alert: 'alert', none: 'nothing to air' },
    named: (kind: string, name: string) => `${kind} “${name}”`,
    priority: (p: number) => ` (priority ${p})`,
    plays: (playlist: string) => ` airs “${playlist}”`,
    over: (names: string[]) => `, over ${names.join(', ')}`,
    noAudio: (playlist: string) => `no audio in “${playlist}”`,
    nothingAirable: (playlist: string) => `nothing airable in “${playlist}” (unapproved, expired or still processing)`,
    airingDefaultAudio: 'airing the default audio',
    airingDefault: 'airing the default campaign',
    airingInstead: (playlist: string) => `airing “${playlist}” instead`,
    silent: 'nothing to air',
    so: (missing: string, instead: string) => `${missing}, ${instead}`,
    quiet: 'quiet hours: no audio',
    sep: '; ',
  },
);

/** "排期「早间」" / "the default campaign": a rule by kind and, when it has one, its name. */
export function ruleLabel(source: SourceRefView, name: string | null): string {
  const kind = s.kinds[source.kind] ?? s.kinds.none!;
  return name ? s.named(kind, name) : kind;
}

/** The whole sentence for a segment. */
export function describeWhy(seg: SegmentWhy): string {
  const parts: string[] = [];
  if (seg.passed.length) {
    const missing = seg.passed.map((p) => (seg.isStation ? s.noAudio(p.playlistName) : s.nothingAirable(p.playlistName))).join(s.sep);
    const instead =
      seg.source.kind === 'none' ? s.silent : seg.source.kind === 'default' ? (seg.isStation ? s.airingDefaultAudio : s.airingDefault) : s.airingInstead(seg.playlistName ?? '');
    parts.push(s.so(missing, instead));
  } else {
    const hasPriority = seg.source.kind === 'schedule' || seg.source.kind === 'broadcast' || seg.source.kind === 'alert';
    let head = ruleLabel(seg.source, seg.sourceName) + (hasPriority ? s.priority(seg.source.priority) : '');
    if (seg.playlistName && seg.source.kind !== 'none') head += s.plays(seg.playlistName);
    if (seg.beat.length) head += s.over(seg.beat.map((b, i) => ruleLabel(b, seg.beatNames[i] ?? null)));
    parts.push(head);
  }
  if (seg.isQuiet) parts.push(s.quiet);
  return parts.join(s.sep);
}
