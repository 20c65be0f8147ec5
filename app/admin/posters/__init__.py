"""Branch QR posters: a printable code per branch and touchpoint, for anonymous answers."""
