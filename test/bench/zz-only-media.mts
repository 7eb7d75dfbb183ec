import { benchMedia } from './media.bench.js';
await benchMedia();
