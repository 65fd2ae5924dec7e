import { createRoot } from "react-dom/client";
import { AccessGraph } from "@/components/access/access-graph";
import type { GraphData } from "@/components/access/graph-data";

// The access graph alone on a page, fed the fixture e2e/graph.spec.ts puts in window.graphFixture
// (bundled by the test with esbuild, styled by the app's own stylesheet).

const fixture = (window as unknown as { graphFixture: { data: GraphData; clusterName: string } })
  .graphFixture;
const root = document.getElementById("root");
if (root) createRoot(root).render(<AccessGraph data={fixture.data} clusterName={fixture.clusterName} />);
