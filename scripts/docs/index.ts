/**
 * Every generated reference under docs/reference/: `npm run generate:docs` writes them,
 * tests/scripts/generatedDocs.test.ts fails while a committed one differs from what its code renders.
 */
import { configReference } from "./config";
import type { DocReference } from "./reference";

export type { DocReference };

export const REFERENCES: DocReference[] = [configReference];
