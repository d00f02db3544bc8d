// Written by hand to match what `pulumi package add terraform-provider stripe/stripe 0.3.0` generates
// for Node.js (README.md says how, and what was left out); `pulumi install` regenerates this folder.

import * as utilities from "../utilities";

// Export sub-modules:
import * as input from "./input";
import * as output from "./output";

export {
    input,
    output,
};
