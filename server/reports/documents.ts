// Each report's model as a ReportDocument: what the PDF, XLSX and CSV all show, written once.
import { formatInZone } from '../../playlists/wall-clock.js';
import { terminalStatusLabel } from '../proof/terminal-status.js';
import type { ComplianceReport, ComplianceRow } from './model/compliance.js';
import type { CoverageReport } from './model/coverage.js';
import type { ProofReport } from './model/proof.js';
import type { TopicMixReport } from './model/topic-mix.js';
import type { Cell, ReportColumn, ReportDocument, ReportTable } from './render/document.js';

const KIND = { screen: '屏幕', station: '广播' } as const;
const GAP = { 'no-device': '无屏幕或广播', 'not-airing': '有设备但未达标' } as const;
const STATUS = { completed: '完整播出', cut: '中断', 'not-aired': '未播出', aired: '已播出' } as const;
/** The GD/J emergency-broadcast terminal status code beside its name, for platforms that read those codes. */
const TERMINAL_STATUS_COLUMN: ReportColumn = { key: 'terminal', label: '终端状态(GD/J)', width: 1 };
const pct = (x: number | null) => (x === null ? '—' : `${(x * 100).toFixed(1)}%`);

const rangeMeta = (r: { from: string; to: string; timeZone: string }, generatedAt: Date): [string, string][] => [
  ['统计期间 Period', `${r.from} 至 ${r.to}`],
  ['时区 Time zone', r.timeZone],
  ['生成时间 Generated', formatInZone(generatedAt.getTime(), r.timeZone)],
];

export function coverageTables(r: CoverageReport): { townships: ReportTable; uncovered: ReportTable } {
  return {
    townships: {
      kind: 'table',
      title: '各乡镇覆盖情况',
      columns: [
        { key: 'name', label: '乡镇' },
        { key: 'villages', label: '村/社区', kind: 'int' },
        { key: 'villagesCovered', label: '已覆盖', kind: 'int' },
        { key: 'coverage', label: '覆盖率', kind: 'percent' },
        { key: 'screens', label: '屏幕', kind: 'int' },
        { key: 'stations', label: '广播', kind: 'int' },
        { key: 'online', label: '每日在线', kind: 'int' },
        { key: 'working', label: '每日达标', kind: 'int' },
      ],
      rows: r.townships.map((t) => ({ ...t })),
    },
    uncovered: {
      kind: 'table',
      title: '未覆盖的村/社区（无正常工作的屏幕或广播）',
      columns: [
        { key: 'township', label: '乡镇' },
        { key: 'village', label: '村/社区' },
        { key: 'gap', label: '原因' },
        { key: 'devices', label: '设备数', kind: 'int' },
      ],
      rows: r.villages.filter((v) => !v.isCovered).map((v) => ({ township: v.townshipName, village: v.name, gap: GAP[v.gap!], devices: v.screens + v.stations })),
    },
  };
}

export function coverageDocument(r: CoverageReport, generatedAt: Date): ReportDocument {
  const { townships, uncovered } = coverageTables(r);
  const m = r.milestone;
  return {
    title: '社会面宣传覆盖情况报表',
    subtitle: `${r.from} 至 ${r.to}`,
    fileName: `coverage-${r.from}-${r.to}`,
    meta: [
      ...rangeMeta(r, generatedAt),
      ['达标标准 Threshold', `每天播出宣传内容不少于 ${r.minMinutes} 分钟`],
      ['全县覆盖率 Coverage', `${r.totals.villagesCovered} / ${r.totals.villages} 个村/社区（${pct(r.totals.coverage)}）`],
      ...(m ? ([['里程碑 Milestone', `${m.name}：截止 ${m.dueDate}，目标 ${pct(m.target)}，当前 ${pct(m.coverage)}，${m.isMet ? '已达成' : m.daysLeft >= 0 ? `尚余 ${m.daysLeft} 天` : `已逾期 ${-m.daysLeft} 天`}`]] as [string, string][]) : []),
      ...(r.unattachedScreens > 0 ? ([['未挂接点位 Unattached', `${r.unattachedScreens} 台已认领屏幕尚未挂接到点位，不计入覆盖`]] as [string, string][]) : []),
    ],
    blocks: [
      { kind: 'heading', text: '一、各乡镇覆盖率' },
      { kind: 'bar', title: '村/社区覆盖率', labels: r.townships.map((t) => t.name), series: [{ name: '覆盖率', values: r.townships.map((t) => t.coverage) }], valueKind: 'percent', ...(m?.target ? { target: { value: m.target, label: `目标 ${pct(m.target)}` } } : {}) },
      townships,
      { kind: 'heading', text: '二、未覆盖的村/社区' },
      uncovered,
      { kind: 'heading', text: '三、各村/社区及点位明细' },
      {
        kind: 'table',
        title: '设备明细',
        columns: [
          { key: 'township', label: '乡镇' },
          { key: 'village', label: '村/社区' },
          { key: 'site', label: '点位' },
          { key: 'device', label: '设备' },
          { key: 'kind', label: '类型', width: 0.8 },
          { key: 'daysOnline', label: '在线天数', kind: 'int' },
          { key: 'daysWorking', label: '达标天数', kind: 'int' },
          { key: 'minutesPerDay', label: '日均分钟', kind: 'minutes' },
        ],
        rows: r.villages.flatMap((v): Record<string, Cell>[] =>
          v.devices.length === 0
            ? [{ township: v.townshipName, village: v.name, site: '—', device: '（无设备）', kind: '', daysOnline: null, daysWorking: null, minutesPerDay: null }]
            : v.devices.map((d) => ({ township: v.townshipName, village: v.name, site: d.siteName, device: d.name, kind: KIND[d.kind], daysOnline: d.daysOnline, daysWorking: d.daysWorking, minutesPerDay: d.minutesPerDay })),
        ),
        note: `共 ${r.days} 天；“达标”指当天播出不少于 ${r.minMinutes} 分钟；村/社区有一台设备每天达标即为已覆盖。`,
      },
    ],
  };
}

const complianceColumns = (first: ReportColumn[]): ReportColumn[] => [
  ...first,
  { key: 'plannedMinutes', label: '计划分钟', kind: 'minutes' },
  { key: 'airedMinutes', label: '实播分钟', kind: 'minutes' },
  { key: 'airtimeRatio', label: '执行率', kind: 'percent' },
  { key: 'plannedPlays', label: '计划次数', kind: 'int' },
  { key: 'plays', label: '实播次数', kind: 'int' },
];
const complianceRows = (rows: ComplianceRow[]) => rows.map((r) => ({ ...r, village: r.villageName }));

export function complianceTownshipTable(r: Pick<ComplianceReport, 'townships'>): ReportTable {
  return { kind: 'table', title: '各乡镇计划与实播', columns: complianceColumns([{ key: 'name', label: '乡镇' }]), rows: complianceRows(r.townships) };
}

export function complianceDocument(r: ComplianceReport, generatedAt: Date): ReportDocument {
  return {
    title: '宣传播出执行情况报表',
    subtitle: `${r.from} 至 ${r.to}`,
    fileName: `compliance-${r.from}-${r.to}`,
    meta: [
      ...rangeMeta(r, generatedAt),
      ['全县执行率 County', `${pct(r.totals.airtimeRatio)}（计划 ${r.totals.plannedMinutes} 分钟，实播 ${r.totals.airedMinutes} 分钟）`],
      ...(r.broadcasts ? ([['定时广播 Broadcasts', `应播 ${r.broadcasts.planned} 次，漏播 ${r.broadcasts.missed} 次`]] as [string, string][]) : []),
    ],
    blocks: [
      { kind: 'heading', text: '一、各乡镇执行率' },
      { kind: 'bar', title: '实播/计划播出时长', labels: r.townships.map((t) => t.name), series: [{ name: '执行率', values: r.townships.map((t) => t.airtimeRatio) }], valueKind: 'percent' },
      complianceTownshipTable(r),
      { kind: 'heading', text: '二、漏播的定时广播' },
      {
        kind: 'table',
        title: '漏播明细',
        columns: [
          { key: 'townshipName', label: '乡镇' },
          { key: 'villageName', label: '村/社区' },
          { key: 'screenName', label: '设备' },
          { key: 'at', label: '计划时间' },
          { key: 'playlistName', label: '节目' },
          { key: 'reason', label: '原因' },
          TERMINAL_STATUS_COLUMN,
        ],
        rows: r.missedBroadcasts.map((b) => ({ ...b, at: formatInZone(Date.parse(b.plannedAt), r.timeZone), terminal: terminalStatusLabel(b.terminalStatus) })),
      },
      { kind: 'heading', text: '三、村/社区、点位、设备明细' },
      { kind: 'table', title: '各村/社区', columns: complianceColumns([{ key: 'townshipName', label: '乡镇' }, { key: 'name', label: '村/社区' }]), rows: complianceRows(r.villages) },
      { kind: 'table', title: '各点位', columns: complianceColumns([{ key: 'village', label: '村/社区' }, { key: 'name', label: '点位' }]), rows: complianceRows(r.sites) },
      { kind: 'table', title: '各设备', columns: complianceColumns([{ key: 'village', label: '村/社区' }, { key: 'name', label: '设备' }]), rows: complianceRows(r.screens) },
    ],
  };
}

export function topicMixDocument(r: TopicMixReport, generatedAt: Date): ReportDocument {
  return {
    title: '宣传内容构成报表（按诈骗类型）',
    subtitle: `${r.from} 至 ${r.to}`,
    fileName: `topic-mix-${r.from}-${r.to}`,
    meta: [...rangeMeta(r, generatedAt), ['总播出时长 Total', `${r.totalMinutes} 分钟`]],
    blocks: [
      { kind: 'text', text: '前四类为方案确定的高发类型（网贷、投资博彩、刷单、网购退赔）；一条内容标注多个类型时，其播出时长由各类型平分。' },
      { kind: 'bar', title: '各类型播出时长（分钟）', labels: r.topics.map((t) => t.topic), series: [{ name: '分钟', values: r.topics.map((t) => t.airedMinutes) }], valueKind: 'minutes' },
      {
        kind: 'table',
        title: '各类型',
        columns: [
          { key: 'topic', label: '类型' },
          { key: 'high', label: '高发类型' },
          { key: 'airedMinutes', label: '播出分钟', kind: 'minutes' },
          { key: 'plays', label: '播出次数', kind: 'number' },
          { key: 'share', label: '占比', kind: 'percent' },
        ],
        rows: r.topics.map((t) => ({ topic: t.topic, airedMinutes: t.airedMinutes, plays: t.plays, share: t.share, high: t.isHighIncidence ? '是' : '' })),
      },
      {
        kind: 'table',
        title: '各乡镇各类型播出分钟',
        columns: [{ key: 'name', label: '乡镇' }, ...r.topics.map((t, i) => ({ key: `t${i}`, label: t.topic, kind: 'minutes' as const, width: 1 })), { key: 'total', label: '合计', kind: 'minutes' }],
        rows: r.townships.map((t) => ({ name: t.name, total: t.totalMinutes, ...Object.fromEntries(t.minutes.map((m, i) => [`t${i}`, m])) })),
      },
    ],
  };
}

export function proofDocument(r: ProofReport, generatedAt: Date): ReportDocument {
  const time = (iso: string | null) => (iso ? formatInZone(Date.parse(iso), r.timeZone).slice(11) : '');
  const chain = !r.chain.available
    ? '本存储尚无哈希链，未能校验 / no hash chain in this store yet'
    : r.chain.ok
      ? `完整：已校验 ${r.chain.checked} 条记录 / intact, ${r.chain.checked} records checked`
      : `发现篡改：第 ${r.chain.firstBad?.seq} 条记录被${{ changed: '修改', inserted: '插入', removed: '删除' }[r.chain.firstBad!.kind]} / tampered`;
  return {
    title: '播出证明（单屏单日）',
    subtitle: `${r.screenName} · ${r.day}`,
    fileName: `proof-${r.screenId}-${r.day}`,
    meta: [
      ['设备 Screen', `${r.screenName}（${r.screenId}）`],
      ['位置 Place', r.place ? `${r.place.townshipName} ${r.place.villageName} ${r.place.siteName}（${r.place.siteType}）` : '未挂接点位'],
      ['日期 Day', `${r.day}（${r.timeZone}）`],
      ['播出 Aired', `${r.summary.aired} 次，完整 ${r.summary.completed} 次，共 ${r.summary.airedMinutes} 分钟；未播出 ${r.summary.notAired} 项`],
      ['哈希链 Chain', chain],
      ['生成时间 Generated', formatInZone(generatedAt.getTime(), r.timeZone)],
    ],
    blocks: [
      {
        kind: 'table',
        title: '播出记录',
        columns: [
          { key: 'planned', label: '计划', width: 1 },
          { key: 'start', label: '开始', width: 1 },
          { key: 'end', label: '结束', width: 1 },
          { key: 'title', label: '内容', width: 3 },
          { key: 'source', label: '来源', width: 1 },
          { key: 'status', label: '结果', width: 1 },
          { key: 'reason', label: '原因', width: 2 },
          TERMINAL_STATUS_COLUMN,
        ],
        rows: r.lines.map((l) => ({
          planned: time(l.plannedAt), start: time(l.startedAt), end: time(l.endedAt), title: l.title ?? '', source: l.source ?? '', status: STATUS[l.status], reason: l.reason ?? '',
          terminal: terminalStatusLabel(l.terminalStatus),
        })),
      },
    ],
  };
}
