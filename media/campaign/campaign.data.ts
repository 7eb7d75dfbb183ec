// The embedded default campaign: what a fresh install airs before staff upload anything.
// Wording follows public-security publicity practice (short imperative headline, one concrete
// tip) and covers the county plan's focus: four high-incidence fraud types, impersonated bosses
// aimed at finance staff, and the general channels (96110, 国家反诈中心 App).
// Files are produced by make-campaign-media.ts; their hashes and sizes live in assets/assets.json.
import type { CampaignMediaSpec } from './campaign.types.js';

export const campaignMedia: CampaignMediaSpec[] = [
  // Four high-incidence types first: they are the campaign's measured target.
  {
    key: 'slogan-loan-1',
    kind: 'text',
    title: '网贷诈骗：放款前收费',
    tags: ['网贷'],
    slogan: {
      headline: '贷款未到手，先交钱就是诈骗',
      subline: '正规贷款放款前不收任何保证金、解冻费、手续费，要求先转账的一律是骗子。',
      theme: 'alert',
    },
  },
  {
    key: 'slogan-loan-2',
    kind: 'text',
    title: '网贷诈骗：注销“校园贷”',
    tags: ['网贷'],
    slogan: {
      headline: '“注销校园贷”“修复征信”都是骗局',
      subline: '征信只能向中国人民银行征信中心查询和申请更正，不存在花钱消除的渠道。',
      theme: 'warning',
    },
  },
  {
    key: 'slogan-invest-1',
    kind: 'text',
    title: '投资诈骗：稳赚不赔',
    tags: ['投资博彩'],
    slogan: {
      headline: '网上投资“稳赚不赔”，都是陷阱',
      subline: '网上结识的“导师”拉你进群荐股、炒币，先让你小赚，再诱你大额投入后失联。',
      theme: 'alert',
    },
  },
  {
    key: 'slogan-gamble-1',
    kind: 'text',
    title: '博彩诈骗：网络赌博',
    tags: ['投资博彩'],
    slogan: {
      headline: '网络赌博没有赢家，十赌九骗',
      subline: '所谓“内部漏洞”“稳赢计划”都是设局，输赢由后台操控，赢了也提不了现。',
      theme: 'warning',
    },
  },
  {
    key: 'slogan-brush-1',
    kind: 'text',
    title: '刷单诈骗：刷单返利',
    tags: ['刷单'],
    slogan: {
      headline: '刷单返利就是诈骗',
      subline: '“动动手指、日赚数百”的兼职都是骗局：先小额返利，再以“任务未完成”让你不断垫钱。',
      theme: 'alert',
    },
  },
  {
    key: 'slogan-refund-1',
    kind: 'text',
    title: '网购退赔诈骗：假客服',
    tags: ['网购退赔'],
    slogan: {
      headline: '“客服”主动来退款，先挂电话再核实',
      subline: '通过购物平台官方App或官方客服电话核实，不点对方发来的链接，不扫对方的二维码。',
      theme: 'warning',
    },
  },
  {
    key: 'slogan-refund-2',
    kind: 'text',
    title: '网购退赔诈骗：屏幕共享',
    tags: ['网购退赔'],
    slogan: {
      headline: '退款不用你转账，共享屏幕要警惕',
      subline: '凡是要求开启屏幕共享、报验证码，或从借款平台借出“备用金”再退款的，都是诈骗。',
      theme: 'alert',
    },
  },
  // Finance staff: the plan asks units to stop transfer orders given over QQ/WeChat.
  {
    key: 'slogan-boss-1',
    kind: 'text',
    title: '冒充领导诈骗：财务人员',
    tags: ['冒充领导/熟人'],
    slogan: {
      headline: '“老板”QQ微信让转账，先打电话核实',
      subline: '财务人员接到转账指令，务必电话或当面向本人确认，严格执行审批制度，不因“急事”破例。',
      theme: 'alert',
    },
  },
  {
    key: 'slogan-boss-2',
    kind: 'text',
    title: '冒充熟人诈骗：网上借钱',
    tags: ['冒充领导/熟人'],
    slogan: {
      headline: '亲友网上借钱，务必当面或电话确认',
      subline: '对方以“手机坏了”“不方便接电话”推脱时更要警惕，不要只凭聊天记录和头像就转账。',
      theme: 'calm',
    },
  },
  {
    key: 'slogan-police',
    kind: 'text',
    title: '冒充公检法诈骗',
    tags: ['其他'],
    slogan: {
      headline: '公检法不会电话办案，没有“安全账户”',
      subline: '自称公安、检察院、法院，要你把钱转到“安全账户”配合调查的，一律是诈骗。',
      theme: 'alert',
    },
  },
  {
    key: 'slogan-card',
    kind: 'text',
    title: '不出租出借银行卡',
    tags: ['其他'],
    slogan: {
      headline: '不出租、出借、出售银行卡和手机卡',
      subline: '为诈骗分子提供银行卡、手机卡帮助收款转账，可能构成帮助信息网络犯罪活动罪。',
      theme: 'warning',
    },
  },
  {
    key: 'slogan-hotline',
    kind: 'text',
    title: '反诈专线96110',
    tags: ['其他'],
    slogan: {
      headline: '接到96110来电，请务必接听',
      subline: '96110是公安机关反诈预警劝阻专线，也可拨打咨询；一旦被骗，请立即拨打110报警。',
      theme: 'calm',
    },
  },
  {
    key: 'slogan-app',
    kind: 'text',
    title: '国家反诈中心App',
    tags: ['其他'],
    slogan: {
      headline: '下载“国家反诈中心”App，防骗更安心',
      subline: '在手机应用商店搜索“国家反诈中心”，开启来电预警，可识别诈骗电话、短信和网址。',
      theme: 'calm',
    },
  },
  {
    key: 'slogan-rules',
    kind: 'text',
    title: '三不一多',
    tags: ['其他'],
    slogan: {
      headline: '未知链接不点击，陌生来电不轻信',
      subline: '个人信息不透露，转账汇款多核实。',
      theme: 'calm',
    },
  },
  // Files: rendered by make-campaign-media.ts; see its comments for sizes and formats.
  {
    key: 'poster-four-types',
    kind: 'image',
    title: '海报：警惕四类高发电信网络诈骗',
    tags: ['网贷', '投资博彩', '刷单', '网购退赔'],
    file: 'poster-four-types.png',
    mime: 'image/png',
  },
  {
    key: 'poster-finance',
    kind: 'image',
    title: '海报：财务人员谨防冒充老板诈骗',
    tags: ['冒充领导/熟人'],
    file: 'poster-finance.png',
    mime: 'image/png',
  },
  {
    key: 'poster-hotline-portrait',
    kind: 'image',
    title: '竖版海报：三不一多 · 反诈专线96110',
    tags: ['其他'],
    file: 'poster-hotline-portrait.png',
    mime: 'image/png',
  },
  {
    key: 'video-four-types',
    kind: 'video',
    title: '短视频：防范电信网络诈骗',
    tags: ['网贷', '投资博彩', '刷单', '网购退赔', '其他'],
    file: 'video-four-types.mp4',
    mime: 'video/mp4',
  },
  {
    key: 'audio-broadcast',
    kind: 'audio',
    title: '广播：反诈提醒（村村通喇叭）',
    tags: ['网贷', '投资博彩', '刷单', '网购退赔', '冒充领导/熟人', '其他'],
    file: 'audio-broadcast.mp3',
    mime: 'audio/mpeg',
  },
];
