"""The desktop window over the workstation's functions (GTK 3 through Debian's python3-gi)."""
