/**
 * The local SDK of Stripe's official provider (sdks/stripe, `@pulumi/stripe`), pinned where the
 * component and Pulumi rely on it: the package declaration in Pulumi.yaml, the parameterization the
 * SDK registers (the `terraform-provider` plugin, parameterized with stripe/stripe 0.3.0 from the
 * OpenTofu registry), the type tokens and the property names the pipeline uses.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import type * as stripeTypes from "@pulumi/stripe";
import { parse } from "yaml";
import { installMocks, RecordingMocks, settled, valueOf } from "../support/pulumiMocks";

const ROOT = path.resolve(__dirname, "../..");
const SDK_DIR = path.join(ROOT, "sdks/stripe");

/** What `pulumi package add terraform-provider stripe/stripe 0.3.0` records and generates. */
const BASE_PROVIDER = "terraform-provider";
const PARAMETER_JSON = '{"remote":{"url":"registry.opentofu.org/stripe/stripe","version":"0.3.0"}}';
const PARAMETER_BASE64 = "eyJyZW1vdGUiOnsidXJsIjoicmVnaXN0cnkub3BlbnRvZnUub3JnL3N0cmlwZS9zdHJpcGUiLCJ2ZXJzaW9uIjoiMC4zLjAifX0=";

const WEBHOOK_ENDPOINT = "stripe:index/webhookEndpoint:WebhookEndpoint";
const EVENT_DESTINATION = "stripe:index/v2CoreEventDestination:V2CoreEventDestination";

/** True only when T's keys are exactly K: a renamed or added property fails the type check. */
type ExactKeys<T, K extends PropertyKey> = [Exclude<keyof T, K>, Exclude<K, keyof T>] extends [never, never] ? true : false;

const webhookArgsPinned: ExactKeys<stripeTypes.WebhookEndpointArgs, "apiVersion" | "connect" | "description" | "enabledEvents" | "metadata" | "url"> = true;
const destinationArgsPinned: ExactKeys<
    stripeTypes.V2CoreEventDestinationArgs,
    "amazonEventbridges" | "azureEventGrid" | "description" | "enabledEvents" | "eventPayload" | "eventsFroms" | "includes" | "metadata" | "name" | "snapshotApiVersion" | "type" | "webhookEndpoints"
> = true;
const eventBridgeArgsPinned: ExactKeys<stripeTypes.types.input.V2CoreEventDestinationAmazonEventbridge, "awsAccountId" | "awsRegion" | "awsEventSourceArn" | "awsEventSourceStatus"> = true;

const WEBHOOK_OUTPUTS = ["apiVersion", "application", "connect", "created", "description", "enabledEvents", "livemode", "metadata", "object", "secret", "status", "url"];
const DESTINATION_OUTPUTS = [
    "amazonEventbridges", "azureEventGrid", "created", "description", "enabledEvents", "eventPayload", "eventsFroms", "includes", "livemode",
    "metadata", "name", "object", "snapshotApiVersion", "status", "statusDetails", "type", "updated", "webhookEndpoints",
];

function json(file: string): any {
    return JSON.parse(fs.readFileSync(file, "utf8"));
}

describe("Stripe's official provider: the local SDK in sdks/stripe", function () {
    const manifest = json(path.join(SDK_DIR, "package.json"));

    it("is declared in Pulumi.yaml as `pulumi package add terraform-provider stripe/stripe 0.3.0` writes it", function () {
        const project = parse(fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8"));
        assert.deepEqual(project.packages, { stripe: { source: BASE_PROVIDER, version: manifest.pulumi.version, parameters: ["stripe/stripe", "0.3.0"] } });
    });

    it("is the package @pulumi/stripe, compiled from its TypeScript at install time", function () {
        assert.equal(manifest.name, "@pulumi/stripe");
        assert.equal(manifest.version, "0.3.0");
        assert.equal(manifest.main, "bin/index.js");
        assert.equal(manifest.scripts.postinstall, "node ./scripts/postinstall.js");
        assert.deepEqual(Object.keys(manifest.dependencies).sort(), ["@pulumi/pulumi", "@types/node", "typescript"]);
        assert.deepEqual(fs.readFileSync(path.join(SDK_DIR, ".gitignore"), "utf8").split("\n").filter(Boolean), ["node_modules/", "bin/"]);
    });

    it("names the base provider and the parameter: the stripe/stripe 0.3.0 provider of the OpenTofu registry", function () {
        assert.deepEqual(manifest.pulumi, {
            resource: true,
            name: BASE_PROVIDER,
            version: manifest.pulumi.version,
            parameterization: { name: "stripe", version: "0.3.0", value: PARAMETER_BASE64 },
        });
        assert.match(manifest.pulumi.version, /^\d+\.\d+\.\d+$/);
        assert.equal(Buffer.from(PARAMETER_BASE64, "base64").toString("utf8"), PARAMETER_JSON);
        assert.deepEqual(JSON.parse(PARAMETER_JSON), { remote: { url: "registry.opentofu.org/stripe/stripe", version: "0.3.0" } });
    });

    it("is what the project depends on, linked as `pulumi package add` links it, and the community pulumi-stripe is gone", function () {
        const project = json(path.join(ROOT, "package.json"));
        // A devDependency: the link resolves only in a clone; the package carries the SDK compiled (scripts/build.ts VENDORED_SDKS).
        assert.equal(project.devDependencies["@pulumi/stripe"], "file:sdks/stripe");
        assert.equal(project.dependencies["@pulumi/stripe"], undefined);
        assert.deepEqual(project.allowScripts, { "file:sdks/stripe": true });
        for (const file of ["package.json", "package-lock.json"]) {
            assert.ok(!fs.readFileSync(path.join(ROOT, file), "utf8").includes("pulumi-stripe"), `${file} still mentions pulumi-stripe`);
        }
    });

    describe("under mocks", function () {
        let mocks: RecordingMocks;
        let stripe: typeof stripeTypes;
        let endpoint: stripeTypes.WebhookEndpoint;
        let destination: stripeTypes.V2CoreEventDestination;
        let provider: stripeTypes.Provider;
        const registered: { name: string; version: string; downloadUrl: string; parameterization: { name: string; version: string; value: string } }[] = [];

        before(async function () {
            mocks = await installMocks();
            const monitor = (pulumi.runtime as any).getMonitor();
            const registerPackage = monitor.registerPackage.bind(monitor);
            monitor.registerPackage = (request: any, callback: unknown) => {
                const p = request.getParameterization();
                registered.push({
                    name: request.getName(),
                    version: request.getVersion(),
                    downloadUrl: request.getDownloadUrl(),
                    parameterization: { name: p.getName(), version: p.getVersion(), value: Buffer.from(p.getValue_asU8()).toString("utf8") },
                });
                registerPackage(request, callback);
            };
            stripe = await import("@pulumi/stripe");
            provider = new stripe.Provider("sdk-provider", { apiKey: "sk_test_pinned", stripeAccount: "acct_pinned" });
            endpoint = new stripe.WebhookEndpoint("sdk-webhook", {
                url: "https://example.com/webhook",
                enabledEvents: ["customer.created"],
                apiVersion: "2025-10-29.clover",
                connect: false,
                description: "pinned",
                metadata: { team: "billing" },
            });
            destination = new stripe.V2CoreEventDestination("sdk-destination", {
                type: "amazon_eventbridge",
                eventPayload: "snapshot",
                enabledEvents: ["customer.created"],
                snapshotApiVersion: "2025-10-29.clover",
                amazonEventbridges: [{ awsAccountId: "123456789012", awsRegion: "us-east-1" }],
                includes: ["webhook_endpoint.signing_secret"],
            });
            await valueOf(destination.urn);
            await settled(mocks);
        });

        it("registers the parameterized package once, with the base provider Pulumi.yaml names", function () {
            assert.deepEqual(registered, [
                { name: BASE_PROVIDER, version: manifest.pulumi.version, downloadUrl: "", parameterization: { name: "stripe", version: "0.3.0", value: PARAMETER_JSON } },
            ]);
        });

        it("registers the resources and the provider under their type tokens", function () {
            assert.equal(mocks.get(WEBHOOK_ENDPOINT, "sdk-webhook").type, WEBHOOK_ENDPOINT);
            assert.equal(mocks.get(EVENT_DESTINATION, "sdk-destination").type, EVENT_DESTINATION);
            assert.equal(mocks.get("pulumi:providers:stripe", "sdk-provider").type, "pulumi:providers:stripe");
            assert.ok(stripe.Provider.isInstance(provider) && stripe.WebhookEndpoint.isInstance(endpoint) && stripe.V2CoreEventDestination.isInstance(destination));
        });

        it("sends the input properties under their names", function () {
            assert.ok(webhookArgsPinned && destinationArgsPinned && eventBridgeArgsPinned);
            assert.deepEqual(Object.keys(mocks.get(WEBHOOK_ENDPOINT, "sdk-webhook").inputs).sort(), ["apiVersion", "connect", "description", "enabledEvents", "metadata", "url"]);
            const inputs = mocks.get(EVENT_DESTINATION, "sdk-destination").inputs;
            assert.deepEqual(Object.keys(inputs).sort(), ["amazonEventbridges", "enabledEvents", "eventPayload", "includes", "snapshotApiVersion", "type"]);
            assert.deepEqual(inputs.amazonEventbridges, [{ awsAccountId: "123456789012", awsRegion: "us-east-1" }]);
            assert.deepEqual(Object.keys(mocks.get("pulumi:providers:stripe", "sdk-provider").inputs).sort(), ["apiKey", "stripeAccount"]);
        });

        it("has the output properties, the webhook's signing secret and the provider's key as secrets", async function () {
            for (const name of WEBHOOK_OUTPUTS) assert.ok(pulumi.Output.isInstance((endpoint as any)[name]), `WebhookEndpoint.${name}`);
            for (const name of DESTINATION_OUTPUTS) assert.ok(pulumi.Output.isInstance((destination as any)[name]), `V2CoreEventDestination.${name}`);
            assert.equal(await pulumi.isSecret(endpoint.secret), true);
            assert.equal(await pulumi.isSecret(endpoint.url), false);
            assert.equal(await pulumi.isSecret(destination.includes), true);
            assert.equal(await pulumi.isSecret(provider.apiKey), true);
        });

        it("reads the partner event source from amazonEventbridges[0].awsEventSourceArn", async function () {
            const arn = await valueOf(destination.amazonEventbridges.apply((list) => list?.[0]?.awsEventSourceArn));
            assert.match(arn ?? "", /^arn:aws:events:us-east-1::event-source\/aws\.partner\/stripe\.com\/ed_test_/);
        });
    });
});
