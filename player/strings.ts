// The few status words the player shows itself (`?lang=en` switches them). Campaign content,
// including the built-in fallback slogan, stays in Chinese.
import type { Slogan } from '../playlists/catalogue.schema.js';

export const STRINGS = {
  zh: {
    online: '在线',
    offline: '离线',
    connection: '连接',
    nowPlaying: '正在播放',
    next: '下一条',
    lastSync: '最后同步',
    never: '尚未同步',
    idle: '暂无音频节目',
    broadcasting: '正在广播',
    stationTitle: 'Crier 广播站',
    screenId: '编号',
    pairingCode: '配对码',
    claimedAs: '已认领为',
    claimHint: '请在管理后台输入此配对码认领本屏幕',
    notAuthorised: '未授权',
    notAuthorisedHint: '本屏幕未获授权，已停止播放。请在管理后台用下面的配对码重新认领。',
    soundBlocked: '声音被浏览器阻止',
    soundBlockedTap: '点击屏幕任意处即可开始播放声音',
    soundBlockedFix: '长期解决：在浏览器启动参数中加入 ',
  },
  en: {
    online: 'Online',
    offline: 'Offline',
    connection: 'Connection',
    nowPlaying: 'Now playing',
    next: 'Next',
    lastSync: 'Last sync',
    never: 'Not yet',
    idle: 'No audio scheduled',
    broadcasting: 'On air',
    stationTitle: 'Crier broadcast station',
    screenId: 'ID',
    pairingCode: 'Pairing code',
    claimedAs: 'Claimed as',
    claimHint: 'Enter this code in the console to claim this screen',
    notAuthorised: 'Not authorised',
    notAuthorisedHint: 'This screen is not authorised and has stopped airing. Claim it again in the console with the code below.',
    soundBlocked: 'Sound blocked by the browser',
    soundBlockedTap: 'Tap anywhere on the screen to start the sound',
    soundBlockedFix: 'For good: start the browser with ',
  },
} as const;
export type Strings = (typeof STRINGS)['zh' | 'en'];

/** Aired when there is nothing else that works: the screen is never black. */
export const FALLBACK_SLOGAN = {
  headline: '警惕电信网络诈骗 · 全民反诈 人人有责',
  subline: '反诈预警劝阻专线 96110',
  theme: 'alert',
} satisfies Pick<Slogan, 'headline' | 'subline' | 'theme'>;
