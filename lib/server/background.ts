export interface BackgroundServices {
  stop(): Promise<void>;
}

export interface BackgroundOptions {
  databaseUrl: string;
  port: number;
}

/** Demo mode and scheduled scans hook in here (see lib/scan and lib/jobs). */
export async function startBackgroundServices(_options: BackgroundOptions): Promise<BackgroundServices> {
  return { stop: async () => {} };
}
