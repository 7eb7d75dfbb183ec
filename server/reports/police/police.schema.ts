// Police case figures (公安每周案情): per township, ISO week and fraud type, the number of cases and the
// loss in yuan. Last year's weeks are entered the same way: they are just earlier weeks.
import { z } from 'zod';
import { FraudTagSchema } from '../../../playlists/catalogue.schema.js';
import { IsoWeekSchema } from '../iso-week.js';

export const PoliceFigureInputSchema = z.object({
  fraudType: FraudTagSchema,
  cases: z.number().int().min(0).max(1_000_000),
  /** Loss in yuan (元), to the fen. */
  lossYuan: z.number().min(0).max(1e12).multipleOf(0.01),
});

export const PoliceWeekInputSchema = z.object({
  townshipId: z.string().trim().min(1).max(64),
  week: IsoWeekSchema,
  figures: z.array(PoliceFigureInputSchema).min(1).max(FraudTagSchema.options.length),
});
export type PoliceWeekInput = z.infer<typeof PoliceWeekInputSchema>;

export const PoliceFigureSchema = PoliceFigureInputSchema.extend({
  townshipId: z.string(),
  week: z.string(),
  enteredBy: z.string().nullable(),
  enteredAt: z.string(),
});
export type PoliceFigure = z.infer<typeof PoliceFigureSchema>;
