"use client";

import { EscalationBlock, GrantBlock } from "@/components/access/grant-block";
import { pathKey } from "@/lib/access/path-key";

// One principal's grants and escalations on one cluster, each with its path step by step. A client component
// given them as data, for the principal page's blocks in place as much as for a disclosure that loads them:
// rendered on the server, every step was an element with its class names in the page's RSC payload.

type BlocksProps = {
  grants: Parameters<typeof GrantBlock>[0]["grant"][];
  escalations: Parameters<typeof EscalationBlock>[0]["escalation"][];
  who: string;
  where: string;
  headingLevel?: 3 | 4;
};

export function PathBlocks({ grants, escalations, who, where, headingLevel = 3 }: BlocksProps) {
  return (
    <>
      {grants.map((grant) => (
        <GrantBlock
          key={`${grant.level}|${grant.namespace}|${grant.route}|${pathKey(grant.path)}`}
          grant={grant}
          headingLevel={headingLevel}
          who={who}
          where={where}
        />
      ))}
      {escalations.map((escalation) => (
        <EscalationBlock
          key={`${escalation.to}|${escalation.route}|${pathKey(escalation.path)}`}
          escalation={escalation}
          headingLevel={headingLevel}
          who={who}
          where={where}
        />
      ))}
    </>
  );
}
