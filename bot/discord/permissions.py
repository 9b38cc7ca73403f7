"""Who may run admin commands: checked when the command runs, not only by Discord's defaults.

Only members of the configured server (``discord.guild_id``) qualify, with Manage
Server or the configured admin role; the bot may be in other servers, whose admins
must not edit this one's configuration.

``default_permissions`` hides a command from members without Manage Server, but a
server admin can change that default in Discord's settings; the check here is
what actually guards the configuration.

The admin role should be given by id: anyone allowed to create roles can create
one with a given name. A name still works for older configs (check-config warns),
but only while exactly one role of the server has it, so a copy locks the name
out instead of letting its maker in. The ``@everyone`` role never counts: its id
is the server's, and it would make every member an admin.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands

from bot.config.schema import DiscordSettings
from bot.delivery.messages import inert

if TYPE_CHECKING:  # bot.discord.bot imports this module
    from bot.discord.bot import TrendBot

ADMIN_DEFAULT = discord.Permissions(manage_guild=True)


def is_admin(interaction: discord.Interaction, settings: DiscordSettings) -> bool:
    """Manage Server, Administrator, or the configured admin role (by id; see the module)."""
    if interaction.permissions.manage_guild or interaction.permissions.administrator:
        return True
    role = settings.admin_role
    member = interaction.user
    if role is None or not isinstance(member, discord.Member):
        return False
    held = {held.id for held in member.roles if not held.is_default()}
    if isinstance(role, int):
        return role in held
    named = _roles_named(member, role)
    return len(named) == 1 and named[0].id in held


def _roles_named(member: discord.Member, name: str) -> list[discord.Role]:
    return [role for role in member.guild.roles if role.name == name and not role.is_default()]


def _refusal(interaction: discord.Interaction, settings: DiscordSettings) -> str:
    """Why a member is refused; a role name shared by several roles is said to be the cause."""
    role, member = settings.admin_role, interaction.user
    if isinstance(role, str) and isinstance(member, discord.Member):
        named = _roles_named(member, role)
        if len(named) > 1:
            return (
                f"{len(named)} roles are named '{inert(role)}' (discord.admin_role), so none "
                "of them may run admin commands: set discord.admin_role to the role id in "
                "config.yaml."
            )
    return "This command is for server admins (Manage Server or the admin role)."


class NotAdmin(app_commands.CheckFailure):
    """Raised by :func:`admin_only`; answered with a short ephemeral refusal."""


def admin_only():
    def predicate(interaction: discord.Interaction[TrendBot]) -> bool:
        settings = interaction.client.settings.discord
        # admins of *this* server only: the bot may sit in others, where anyone can be one
        if settings.guild_id is None:
            raise NotAdmin("Admin commands are off until discord.guild_id is set in config.yaml.")
        if interaction.guild_id != settings.guild_id:
            raise NotAdmin("Admin commands work only in the server trendbot is configured for.")
        if not is_admin(interaction, settings):
            raise NotAdmin(_refusal(interaction, settings))
        return True

    return app_commands.check(predicate)
