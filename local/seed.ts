/**
 * What a new council needs to try Doorstep locally. Each capability adds its
 * seed here; every seed is idempotent (upserts), so restarts are harmless.
 */
import type { LocalStack } from './stack.js';

export type Seeder = (stack: LocalStack) => Promise<string>;

const seeders: Seeder[] = [];

/** Runs every seeder; returns one line per seeder saying what it seeded. */
export async function seedLocalData(stack: LocalStack): Promise<string[]> {
  const done: string[] = [];
  for (const seed of seeders) done.push(await seed(stack));
  return done;
}
