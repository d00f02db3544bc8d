/**
 * Every generated reference under docs/reference/: `npm run generate:docs` writes them,
 * tests/scripts/generatedDocs.test.ts fails while a committed one differs from what its code renders.
 */
import { alarmsReference } from "./alarms";
import { configReference } from "./config";
import { outputsReference } from "./outputs";
import type { DocReference } from "./reference";
import { viewsReference } from "./views";

export type { DocReference };

export const REFERENCES: DocReference[] = [configReference, outputsReference, alarmsReference, viewsReference];
