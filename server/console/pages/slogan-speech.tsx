// “生成广播音频”: turns a slogan's words into a loudspeaker clip (chime + Mandarin speech, N times),
// so a township needs no recording studio. The clip appears in the library as an audio item.
import { useState } from 'preact/hooks';
import { api } from '../api.js';
import { ErrorNote, Field, Guarded, useAction } from '../components.js';
import { pick } from '../i18n.js';
import { can } from '../session.js';
import type { MediaItem } from '../types.js';

const s = pick(
  {
    heading: '广播音频',
    explain: '由服务器把标语读成普通话：先响一次提示音，再按所设遍数朗读（每遍后停顿 1.5 秒），作为一段音频素材加入素材库，供广播站播放。',
    repeats: '每段音频朗读遍数',
    make: '生成广播音频',
    made: (title: string) => `已生成：${title}（处理完成后可播放）`,
  },
  {
    heading: 'Loudspeaker audio',
    explain: 'The server reads the slogan aloud in Mandarin: one chime, then the words as many times as set (1.5 s pause after each), added to the library as one audio clip for stations.',
    repeats: 'Readings in the clip',
    make: 'Make audio from this slogan',
    made: (title: string) => `Made: ${title} (playable once processed)`,
  },
);

export function SloganSpeech({ item, onMade }: { item: MediaItem; onMade: () => void }) {
  const [repeats, setRepeats] = useState('2');
  const [made, setMade] = useState<string | null>(null);
  const action = useAction();
  const make = () =>
    action.run(async () => {
      const res = await api<{ item: MediaItem }>('POST', `/media/${encodeURIComponent(item.id)}/speech`, { repeats: Number(repeats) });
      setMade(res.item.title);
      onMade();
    });
  return (
    <div class="slogan-speech" data-testid="slogan-speech">
      <h4>{s.heading}</h4>
      <p class="muted">{s.explain}</p>
      <div class="row">
        <Field label={s.repeats}>
          <input name="speechRepeats" type="number" min={1} max={10} value={repeats} onInput={(e) => setRepeats((e.target as HTMLInputElement).value)} />
        </Field>
        <Guarded allowed={can('media:write')} name="make-speech" disabled={action.busy} onClick={() => void make()}>{s.make}</Guarded>
      </div>
      {made && <p class="ok" data-testid="speech-made">{s.made(made)}</p>}
      <ErrorNote error={action.error} />
    </div>
  );
}
