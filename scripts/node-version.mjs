// The product targets Node 22 LTS; npm scripts run with node_modules/.bin first on PATH, where the
// `node` package (a registry package that ships the Node 22 binary) puts its `node`.
export function assertNode22(what) {
  const [major, minor] = process.versions.node.split(".").map(Number);
  if (major < 22 || (major === 22 && minor < 12)) {
    console.error(
      `${what} needs Node.js >= 22.12 (this is ${process.version}). Run it through npm (npm start, npm test), ` +
        "which uses the Node 22 from node_modules, or install Node 22 LTS.",
    );
    process.exit(1);
  }
}
