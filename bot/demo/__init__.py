"""The offline demo: bundled sample outlets and Hub data served on loopback."""
