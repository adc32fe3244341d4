"""What both web apps share: the app base, security headers, error pages, a quiet server."""
