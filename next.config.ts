import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // The web app never needs the service's Docker driver; keep the bundle honest.
  serverExternalPackages: ["dockerode"],
  poweredByHeader: false,
};

export default nextConfig;
