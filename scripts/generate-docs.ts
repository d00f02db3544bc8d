/**
 * Regenerates the references under docs/reference/ (scripts/docs/index.ts lists them) from the code
 * they document. Run `npm run generate:docs` after changing an output, an alarm or a view;
 * tests/scripts/generatedDocs.test.ts fails while a committed file is stale.
 */
import * as fs from "fs";
import * as path from "path";
import { REFERENCES } from "./docs";
import { REPO_ROOT } from "./docs/reference";

if (require.main === module) {
    for (const reference of REFERENCES) {
        const file = path.join(REPO_ROOT, reference.file);
        fs.mkdirSync(path.dirname(file), { recursive: true });
        fs.writeFileSync(file, reference.render());
        console.log(`wrote ${reference.file}`);
    }
}
