import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // The web app never needs the service's Docker driver; keep the bundle honest.
  serverExternalPackages: ["dockerode"],
  poweredByHeader: false,
  // No other site may frame ours (clickjacking: a hidden lesson page or form under a
  // visitor's clicks). Every response, API routes and errors included. X-Frame-Options is
  // the same rule for browsers that predate frame-ancestors.
  async headers() {
    return [
      {
        source: "/:path*",
        headers: [
          { key: "Content-Security-Policy", value: "frame-ancestors 'self'" },
          { key: "X-Frame-Options", value: "SAMEORIGIN" },
        ],
      },
    ];
  },
};

export default nextConfig;
