"""One extension per feature; each is loaded by :mod:`bot.discord.bot`."""
