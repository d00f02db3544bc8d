import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { jsonFrom, PartContext } from "../context";
import { assumeRolePolicy } from "./iam";

export interface ServiceRoleOptions {
    /** Service principal that assumes the role, e.g. `states.amazonaws.com`. */
    service: string;
    /** Adds the `aws:SourceAccount` guard to the trust policy, for services that send it (see assumeRolePolicy). */
    sourceAccount?: pulumi.Input<string>;
    /** Adds the `aws:SourceArn` guard too (with sourceAccount), for services that send it (see assumeRolePolicy). */
    sourceArn?: pulumi.Input<string>;
    /** The role's inline policy, as JSON: everything the service may do on the pipeline's behalf. */
    policy: pulumi.Input<string>;
}

export interface ServiceRole {
    role: aws.iam.Role;
    /** Resources whose creation needs the permissions in place depend on this, not on the role. */
    policy: aws.iam.RolePolicy;
}

/**
 * A role one AWS service assumes for the pipeline, with its permissions as one inline policy:
 * `${name}-<role>-role` and `${name}-<role>-policy`. An inline policy lives and dies with its role,
 * so no managed policy is left behind. In the manner of pulumi-eks's ServiceRole:
 * https://github.com/pulumi/pulumi-eks/blob/master/nodejs/eks/servicerole.ts
 */
export function serviceRole(ctx: PartContext, role: string, options: ServiceRoleOptions): ServiceRole {
    const { name, parent, settings } = ctx;
    const { service, sourceAccount, sourceArn } = options;
    const trust =
        sourceAccount === undefined
            ? JSON.stringify(assumeRolePolicy(service))
            : sourceArn === undefined
              ? jsonFrom([sourceAccount], (account) => assumeRolePolicy(service, account))
              : jsonFrom([sourceAccount, sourceArn], (account, arn) => assumeRolePolicy(service, account, arn));
    const iamRole = new aws.iam.Role(`${name}-${role}-role`, { assumeRolePolicy: trust, tags: settings.tags }, { parent });
    const policy = new aws.iam.RolePolicy(`${name}-${role}-policy`, { role: iamRole.id, policy: options.policy }, { parent });
    return { role: iamRole, policy };
}
