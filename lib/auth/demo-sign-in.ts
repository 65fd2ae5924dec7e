/**
 * Who holds which role when the demo tenant (Contoso) is the sign-in directory — used by the sign-in
 * integration test and the browser tests (e2e/auth-server.ts). Both ways Entra grants roles are exercised:
 * app roles assigned to users, and group ids configured per role.
 */
export const DEMO_SIGN_IN = {
  /** App roles of the sign-in app registration, by user. */
  appRoles: {
    "00000000-0000-0000-0000-0000000000f2": ["Atlas.Viewer"], // Jet Black
    "00000000-0000-0000-0000-0000000000f4": ["Atlas.Operator"], // Penny
  } as Record<string, string[]>,
  /** ATLAS_ROLE_GROUPS_* */
  groups: {
    viewer: ["00000000-0000-0000-0000-0000000000a5"], // all-developers: Howard, Amy, Raj
    operator: [] as string[],
    admin: ["00000000-0000-0000-0000-0000000000a1"], // aks-admins: Spike, Sheldon (through platform-oncall)
  },
  users: {
    viewer: { id: "00000000-0000-0000-0000-0000000000f2", name: "Jet Black" },
    viewerByGroup: { id: "00000000-0000-0000-0000-0000000000f9", name: "Howard Wolowitz" },
    operator: { id: "00000000-0000-0000-0000-0000000000f4", name: "Penny" },
    admin: { id: "00000000-0000-0000-0000-0000000000f5", name: "Spike Spiegel" },
    adminThroughNestedGroup: { id: "00000000-0000-0000-0000-0000000000f6", name: "Sheldon Cooper" },
    noRole: { id: "00000000-0000-0000-0000-0000000000f1", name: "Faye Valentine" },
  },
};

/** The ATLAS_* variables that point the app at an emulator's sign-in app. */
export function demoSignInEnv(
  emulator: {
    url: string;
    tenantId: string;
    caPath: string;
    signInApp: { clientId: string; clientSecret: string };
  },
  publicUrl: string,
  sessionSecret: string,
): Record<string, string> {
  return {
    ATLAS_AUTH_TENANT_ID: emulator.tenantId,
    ATLAS_AUTH_CLIENT_ID: emulator.signInApp.clientId,
    ATLAS_AUTH_CLIENT_SECRET: emulator.signInApp.clientSecret,
    ATLAS_AUTH_AUTHORITY: `${emulator.url}/${emulator.tenantId}`,
    ATLAS_AUTH_CA_FILE: emulator.caPath,
    ATLAS_PUBLIC_URL: publicUrl,
    ATLAS_SESSION_SECRET: sessionSecret,
    ATLAS_ROLE_GROUPS_VIEWER: DEMO_SIGN_IN.groups.viewer.join(","),
    ATLAS_ROLE_GROUPS_OPERATOR: DEMO_SIGN_IN.groups.operator.join(","),
    ATLAS_ROLE_GROUPS_ADMIN: DEMO_SIGN_IN.groups.admin.join(","),
  };
}
