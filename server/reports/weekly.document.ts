// The weekly report (每周通报) as a document: ranking, charts, uncovered villages, police figures.
import { formatInZone } from '../../playlists/wall-clock.js';
import type { WeeklyReport } from './model/weekly.js';
import type { Cell, ReportDocument } from './render/document.js';

const GAP = { 'no-device': '无屏幕或广播', 'not-airing': '有设备但未达标' } as const;
const pct = (x: number | null) => (x === null ? '缺' : `${(x * 100).toFixed(1)}%`);
/** A change as the police read it: "↓12.5%" is good news. */
const changeText = (x: number | null) => (x === null ? null : `${x > 0 ? '↑' : x < 0 ? '↓' : ''}${Math.abs(x * 100).toFixed(1)}%`);

export function weeklyDocument(r: WeeklyReport): ReportDocument {
  const p = r.police;
  const compareCells = (prefix: string, c: WeeklyReport['police']['types'][number]['compare']): Record<string, Cell> => ({
    [`${prefix}Cases`]: c.now.cases,
    [`${prefix}Last`]: c.lastYear.cases,
    [`${prefix}Change`]: changeText(c.casesChange),
    [`${prefix}Loss`]: c.now.lossYuan,
    [`${prefix}LastLoss`]: c.lastYear.lossYuan,
  });
  const compareColumns = (prefix: string, what: string) => [
    { key: `${prefix}Cases`, label: `${what}案件数`, kind: 'int' as const },
    { key: `${prefix}Last`, label: '去年同期', kind: 'int' as const },
    { key: `${prefix}Change`, label: '同比', kind: 'number' as const },
    { key: `${prefix}Loss`, label: '损失（元）', kind: 'yuan' as const },
    { key: `${prefix}LastLoss`, label: '去年同期（元）', kind: 'yuan' as const },
  ];
  const meta: [string, string][] = [
    ['通报周 Week', `${r.week}（${r.from} 至 ${r.to}，${r.timeZone}）`],
    ['达标标准 Threshold', `每天播出宣传内容不少于 ${r.minMinutes} 分钟`],
  ];
  if (r.totals) meta.push(['全县 County', `村/社区覆盖 ${r.totals.villagesCovered}/${r.totals.villages}（${pct(r.totals.coverage)}），播出执行率 ${pct(r.totals.airtimeRatio)}`]);
  if (r.milestone) meta.push(['里程碑 Milestone', `${r.milestone.name}：截止 ${r.milestone.dueDate}，目标 ${pct(r.milestone.target)}，${r.milestone.isMet ? '已达成' : '未达成'}`]);
  meta.push(['生成时间 Generated', formatInZone(Date.parse(r.generatedAt), r.timeZone)]);
  return {
    title: `反诈宣传工作每周通报（${r.week}）`,
    subtitle: `${r.from} 至 ${r.to}`,
    fileName: `weekly-${r.week}`,
    meta,
    blocks: [
      { kind: 'heading', text: '一、各乡镇排名（按覆盖率，执行率次之）' },
      {
        kind: 'table',
        title: '乡镇排名',
        columns: [
          { key: 'rank', label: '名次', kind: 'int', width: 0.6 },
          { key: 'name', label: '乡镇' },
          { key: 'covered', label: '覆盖村/社区' },
          { key: 'coverage', label: '覆盖率', kind: 'percent' },
          { key: 'coverageRank', label: '覆盖排名', kind: 'int' },
          { key: 'airedMinutes', label: '实播分钟', kind: 'minutes' },
          { key: 'airtimeRatio', label: '执行率', kind: 'percent' },
          { key: 'complianceRank', label: '执行排名', kind: 'int' },
        ],
        rows: r.ranking.map((x) => ({ ...x, covered: `${x.villagesCovered}/${x.villages}` })),
      },
      { kind: 'bar', title: '各乡镇村/社区覆盖率', labels: r.ranking.map((x) => x.name), series: [{ name: '覆盖率', values: r.ranking.map((x) => x.coverage) }], valueKind: 'percent', ...(r.milestone?.target ? { target: { value: r.milestone.target, label: `目标 ${pct(r.milestone.target)}` } } : {}) },
      { kind: 'bar', title: '各乡镇播出执行率（实播/计划）', labels: r.ranking.map((x) => x.name), series: [{ name: '执行率', values: r.ranking.map((x) => x.airtimeRatio) }], valueKind: 'percent' },
      { kind: 'heading', text: '二、尚未覆盖的村/社区' },
      {
        kind: 'table',
        title: '未覆盖村/社区',
        columns: [
          { key: 'townshipName', label: '乡镇' },
          { key: 'villageName', label: '村/社区' },
          { key: 'gap', label: '原因' },
        ],
        rows: r.uncovered.map((u) => ({ ...u, gap: GAP[u.gap] })),
        note: !r.totals?.villages ? '点位登记中还没有村/社区，无法统计覆盖：请在“点位登记”导入全县村/社区名单。' : r.uncovered.length === 0 ? '本周所有村/社区均已覆盖。' : `共 ${r.uncovered.length} 个。`,
      },
      { kind: 'heading', text: '三、宣传内容构成' },
      { kind: 'bar', title: '各诈骗类型播出时长（分钟）', labels: r.topics.map((x) => x.topic), series: [{ name: '分钟', values: r.topics.map((x) => x.airedMinutes) }], valueKind: 'minutes' },
      { kind: 'heading', text: `四、公安案情（${p.week}，去年同期 ${p.lastYearWeek}）` },
      { kind: 'text', text: '“缺”表示公安尚未录入该乡镇该周的数据（不是零）。同比为案件数相对去年同期的变化。' },
      {
        kind: 'table',
        title: '各乡镇案情',
        columns: [{ key: 'name', label: '乡镇' }, ...compareColumns('all', '全部'), { key: 'highCases', label: '四类高发', kind: 'int' }, { key: 'highLast', label: '去年同期', kind: 'int' }, { key: 'highChange', label: '同比', kind: 'number' }],
        rows: p.townships.map((t) => ({ name: t.name, ...compareCells('all', t.all), ...compareCells('high', t.highIncidence) })),
      },
      {
        kind: 'bar',
        title: '各乡镇本周案件数与去年同期',
        labels: p.townships.map((t) => t.name),
        series: [
          { name: `本周 ${p.week}`, values: p.townships.map((t) => t.all.now.cases) },
          { name: `去年同期 ${p.lastYearWeek}`, values: p.townships.map((t) => t.all.lastYear.cases) },
        ],
        valueKind: 'int',
      },
      ...(p.types.length > 0
        ? [
            { kind: 'table' as const, title: '全县各类型案情', columns: [{ key: 'fraudType', label: '类型' }, ...compareColumns('c', '')], rows: p.types.map((x) => ({ fraudType: `${x.fraudType}${x.isHighIncidence ? '（高发）' : ''}`, ...compareCells('c', x.compare) })) },
            {
              kind: 'table' as const,
              title: '对照方案目标',
              columns: [
                { key: 'label', label: '指标', width: 3 },
                { key: 'cases', label: '案件数', kind: 'int' as const },
                { key: 'last', label: '去年同期', kind: 'int' as const },
                { key: 'change', label: '同比', kind: 'number' as const },
                { key: 'target', label: '目标', kind: 'number' as const },
                { key: 'status', label: '达成' },
              ],
              rows: p.targets.map((x) => ({
                label: x.label,
                cases: x.compare.now.cases,
                last: x.compare.lastYear.cases,
                change: changeText(x.compare.casesChange),
                target: changeText(x.target),
                status: x.isMet === null ? `缺数据（${x.missing}/${x.needed} 个乡镇周未录入）` : x.isMet ? '达成' : '未达成',
              })),
            },
          ]
        : []),
    ],
  };
}
