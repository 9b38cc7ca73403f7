"""Who may run admin commands: checked when the command runs, not only by Discord's defaults.

Only members of the configured server (``discord.guild_id``) qualify, with Manage
Server or the configured admin role; the bot may be in other servers, whose admins
must not edit this one's configuration.

``default_permissions`` hides a command from members without Manage Server, but a
server admin can change that default in Discord's settings; the check here is
what actually guards the configuration.
"""

from __future__ import annotations

import discord
from discord import app_commands

from bot.config.schema import DiscordSettings

ADMIN_DEFAULT = discord.Permissions(manage_guild=True)


def is_admin(interaction: discord.Interaction, settings: DiscordSettings) -> bool:
    if interaction.permissions.manage_guild or interaction.permissions.administrator:
        return True
    role = settings.admin_role
    if role is None or not isinstance(interaction.user, discord.Member):
        return False
    for held in interaction.user.roles:
        if (isinstance(role, int) and held.id == role) or (
            isinstance(role, str) and held.name == role
        ):
            return True
    return False


class NotAdmin(app_commands.CheckFailure):
    """Raised by :func:`admin_only`; answered with a short ephemeral refusal."""


def admin_only():
    def predicate(interaction: discord.Interaction) -> bool:
        settings = interaction.client.settings.discord  # type: ignore[attr-defined]
        # admins of *this* server only: the bot may sit in others, where anyone can be one
        if settings.guild_id is None:
            raise NotAdmin("Admin commands are off until discord.guild_id is set in config.yaml.")
        if interaction.guild_id != settings.guild_id:
            raise NotAdmin("Admin commands work only in the server trendbot is configured for.")
        if not is_admin(interaction, settings):
            raise NotAdmin("This command is for server admins (Manage Server or the admin role).")
        return True

    return app_commands.check(predicate)
