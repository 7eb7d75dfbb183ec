// The campaign's dates and milestones (社会面宣传全覆盖 by 1/31 …), edited by county admins; reports
// measure coverage against the coverage milestone.
import { useState } from 'preact/hooks';
import { api } from '../api.js';
import { ErrorNote, Field, useAction } from '../components.js';
import { pick, t } from '../i18n.js';
import { can } from '../session.js';
import type { Campaign } from '../types.js';

const s = pick(
  {
    heading: '宣传活动', name: '名称', start: '开始日期', end: '结束日期', milestones: '里程碑', milestone: '事项', due: '完成期限',
    kind: '类别', target: '覆盖目标（%）', kinds: { coverage: '覆盖', other: '其他' } as Record<string, string>, add: '+ 里程碑', noMilestones: '没有里程碑',
  },
  {
    heading: 'Campaign', name: 'Name', start: 'Start date', end: 'End date', milestones: 'Milestones', milestone: 'Milestone', due: 'Due',
    kind: 'Kind', target: 'Coverage target (%)', kinds: { coverage: 'coverage', other: 'other' }, add: '+ milestone', noMilestones: 'No milestones',
  },
);

type Milestone = Campaign['milestones'][number];

export function CampaignEditor({ campaign, onSaved }: { campaign: Campaign; onSaved: () => void }) {
  const [draft, setDraft] = useState<Campaign>(campaign);
  const [saved, setSaved] = useState(false);
  const action = useAction();
  const mayEdit = can('users:admin');
  const setMilestone = (i: number, patch: Partial<Milestone>) => setDraft({ ...draft, milestones: draft.milestones.map((m, j) => (j === i ? { ...m, ...patch } : m)) });
  const value = (e: Event) => (e.target as HTMLInputElement).value;
  const save = (e: Event) => {
    e.preventDefault();
    setSaved(false);
    void action.run(async () => {
      await api('PUT', '/register/campaign', draft);
      setSaved(true);
      onSaved();
    });
  };
  return (
    <form class="campaign" data-testid="campaign" onSubmit={save}>
      <h3>{s.heading}</h3>
      <div class="row">
        <Field label={s.name}><input name="campaignName" required value={draft.name} disabled={!mayEdit} onInput={(e) => setDraft({ ...draft, name: value(e) })} /></Field>
        <Field label={s.start}><input type="date" name="startDate" required value={draft.startDate} disabled={!mayEdit} onInput={(e) => setDraft({ ...draft, startDate: value(e) })} /></Field>
        <Field label={s.end}><input type="date" name="endDate" required value={draft.endDate} disabled={!mayEdit} onInput={(e) => setDraft({ ...draft, endDate: value(e) })} /></Field>
      </div>
      <table>
        <thead><tr><th>{s.milestone}</th><th>{s.due}</th><th>{s.kind}</th><th>{s.target}</th><th /></tr></thead>
        <tbody>
          {draft.milestones.length === 0 && <tr><td colSpan={5} class="muted">{s.noMilestones}</td></tr>}
          {draft.milestones.map((m, i) => (
            <tr data-milestone={m.id}>
              <td><input name="milestoneName" required value={m.name} disabled={!mayEdit} onInput={(e) => setMilestone(i, { name: value(e) })} /></td>
              <td><input type="date" name="dueDate" required value={m.dueDate} disabled={!mayEdit} onInput={(e) => setMilestone(i, { dueDate: value(e) })} /></td>
              <td>
                <select name="kind" value={m.kind} disabled={!mayEdit} onChange={(e) => setMilestone(i, { kind: value(e) as Milestone['kind'] })}>
                  <option value="coverage">{s.kinds.coverage}</option>
                  <option value="other">{s.kinds.other}</option>
                </select>
              </td>
              <td><input type="number" name="target" min={0} max={100} value={m.target ?? ''} disabled={!mayEdit || m.kind !== 'coverage'} onInput={(e) => setMilestone(i, { target: value(e) === '' ? undefined : Number(value(e)) })} /></td>
              <td>{mayEdit && <button type="button" class="link danger" onClick={() => setDraft({ ...draft, milestones: draft.milestones.filter((_, j) => j !== i) })}>{t.remove}</button>}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {mayEdit && (
        <div class="buttons">
          <button type="button" name="add-milestone" onClick={() => setDraft({ ...draft, milestones: [...draft.milestones, { id: `m-${Date.now().toString(36)}`, name: '', dueDate: draft.endDate, kind: 'other' }] })}>{s.add}</button>
          <span class="spacer" />
          <button class="primary" type="submit" name="save-campaign" disabled={action.busy}>{t.save}</button>
        </div>
      )}
      <ErrorNote error={action.error} />
      {saved && <p class="ok">{t.saved}</p>}
    </form>
  );
}
