/**
 * `npm start -- --listen` with a stand-in for the Stripe CLI (STRIPE_CLI): this machine does not
 * reach Stripe, so the stand-in plays `stripe listen`: `--print-secret` prints a whsec_, and
 * `--forward-to URL` posts one event signed with it, as the real CLI forwards a test-mode event.
 */
import { strict as assert } from "assert";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { loadSamples } from "../../fixtures/samples";
import { signatureHeader } from "../../fixtures/stripeWebhooks";
import { stripeCliPath } from "../../local/listen";
import { main as start } from "../../local/start";
import { testIo } from "../support/standIns";

const CLI_SECRET = "whsec_fromTheStripeCliListen0123456789";

type Behaviour = "forwards" | "no key" | "dies";

/** An executable `stripe` that behaves as `behaviour` says; what it was asked is appended to `<dir>/calls`. */
function fakeStripeCli(dir: string, behaviour: Behaviour, event: { id: string }): string {
    const payload = JSON.stringify(event, null, 2);
    const file = path.join(dir, "stripe");
    const script = `#!${process.execPath}
const fs = require("fs");
const args = process.argv.slice(2);
fs.appendFileSync(${JSON.stringify(path.join(dir, "calls"))}, args.join(" ") + "\\n");
const behaviour = ${JSON.stringify(behaviour)};
if (args.join(" ") === "listen --print-secret") {
    if (behaviour === "no key") {
        console.error("You have not configured API keys yet. Running \`stripe login\` will configure them for you.");
        process.exit(1);
    }
    console.log(${JSON.stringify(CLI_SECRET)});
    process.exit(0);
}
if (args[0] === "listen" && args[1] === "--forward-to") {
    console.error("> Ready! Your webhook signing secret is ${CLI_SECRET} (^C to quit)");
    if (behaviour === "dies") {
        console.error("Error: websocket connection to Stripe lost");
        process.exit(3);
    }
    const body = ${JSON.stringify(payload)};
    fetch(args[2], { method: "POST", headers: { "content-type": "application/json", "stripe-signature": ${JSON.stringify(signatureHeader(payload, Math.floor(Date.now() / 1000), CLI_SECRET))} }, body })
        .then((r) => console.log("<-- [" + r.status + "] POST " + args[2] + " [${event.id}]"));
    process.on("SIGTERM", () => process.exit(0));
    setInterval(() => {}, 1000);
} else {
    console.error("unexpected call: " + args.join(" "));
    process.exit(64);
}
`;
    fs.writeFileSync(file, script, { mode: 0o755 });
    return file;
}

describe("npm start -- --listen (the Stripe CLI's stripe listen, played by a stand-in)", function () {
    this.timeout(60_000);
    let base: string;
    beforeEach(() => (base = fs.mkdtempSync(path.join(os.tmpdir(), "twin-listen-"))));
    afterEach(() => fs.rmSync(base, { recursive: true, force: true }));
    const event = { ...loadSamples().find((e) => e.type === "invoice.paid")!, id: "evt_1ForwardedByStripeListen" };

    /** Runs start in-process until `until` matches its output (or `stripe listen` ends it). */
    async function run(behaviour: Behaviour, until: RegExp) {
        const io = testIo({
            env: { STRIPE_CLI: fakeStripeCli(base, behaviour, event), PATH: process.env.PATH },
            exec: (file, args, cwd) => execFileSync(file, args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }),
        });
        const lakeDir = path.join(base, "lake");
        const stopped = async () => {
            while (!until.test(io.out())) await new Promise((resolve) => setTimeout(resolve, 50));
        };
        const code = await start(["--listen", "--port", "0", "--lake", lakeDir, "--retry-delay", "0"], io, stopped).catch((error: Error) => error);
        const calls = fs.existsSync(path.join(base, "calls")) ? fs.readFileSync(path.join(base, "calls"), "utf8").trim().split("\n") : [];
        return { code, out: io.out(), err: io.err(), lakeDir, calls };
    }

    it("takes the secret from stripe listen --print-secret, forwards to the twin's URL, and stores the event it signed", async function () {
        const { code, out, err, lakeDir, calls } = await run("forwards", /stored .*evt_1ForwardedByStripeListen/);
        assert.equal(code, 0, err);
        const url = /listening\s+(http:\/\/127\.0\.0\.1:\d+\/webhook)/.exec(out)![1];
        assert.deepEqual(calls, ["listen --print-secret", `listen --forward-to ${url}`]);
        assert.match(out, /secret {5}the Stripe CLI's \(stripe listen --print-secret\), and whsec_local\w+ \(generated/);
        assert.match(out, /\[stripe\] <-- \[200\] POST http:\/\/127\.0\.0\.1:\d+\/webhook \[evt_1ForwardedByStripeListen\]/);
        assert.match(out, /npx stripe trigger customer\.subscription\.created/);
        assert.deepEqual(out.split("\n").filter((l) => l.includes(CLI_SECRET)).map((l) => l.slice(0, 17)), ["[stripe] > Ready!"], "the CLI's secret only in the CLI's own line");
        const stored = fs.readdirSync(lakeDir, { recursive: true }) as string[];
        assert.ok(stored.some((f) => f.endsWith("evt_1ForwardedByStripeListen.json")), stored.join("\n"));
    });

    it("stops before starting anything when stripe listen --print-secret fails, saying how to give the CLI a key", async function () {
        const { code, calls } = await run("no key", /never/);
        assert.ok(code instanceof Error);
        assert.equal(
            code.message,
            "--listen: `stripe listen --print-secret` failed (You have not configured API keys yet. Running `stripe login` will configure them for you.); " +
                "the Stripe CLI needs a test-mode key (set STRIPE_API_KEY=sk_test_... from Dashboard → Developers → API keys, or run `npx stripe login` once) and a connection to api.stripe.com",
        );
        assert.deepEqual(calls, ["listen --print-secret"]);
    });

    it("stops the twin with exit code 1 and one error line when stripe listen ends by itself", async function () {
        const { code, out, err } = await run("dies", /never/);
        assert.equal(code, 1);
        assert.match(out, /\[stripe\] Error: websocket connection to Stripe lost/);
        assert.match(out, /received 0, stored 0/);
        assert.equal(err, "error: --listen: `stripe listen` exited with code 3 (Error: websocket connection to Stripe lost), so no more Stripe events arrive; the Stripe CLI needs a test-mode key (set STRIPE_API_KEY=sk_test_... from Dashboard → Developers → API keys, or run `npx stripe login` once) and a connection to api.stripe.com\n");
    });

    it("takes STRIPE_CLI over an installed @stripe/cli, and that over `stripe` on the PATH", function () {
        // @stripe/cli is not a devDependency: the registry this project installs from lacks its other platforms' packages, so npm ci refused the lock.
        const found = stripeCliPath({});
        assert.ok(found === "stripe" || /node_modules\/@stripe\/cli-[a-z0-9]+-[a-z0-9]+\/bin\/stripe(\.exe)?$/.test(found), found);
        assert.equal(stripeCliPath({ STRIPE_CLI: "/opt/stripe" }), "/opt/stripe");
    });
});
