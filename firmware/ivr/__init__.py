"""IVR: voice menus defined as data in the configuration, run by an event-driven session.

``IvrSession`` (firmware.ivr.session) plays prompts, collects keys and routes the call to a
queue, voicemail, an extension or a polite hang-up, timing everything on the line clock.
The menus are the ``ivr`` configuration section (firmware.ivr.config), checked as a whole
tree by firmware.ivr.validate. No telephony I/O here: the call layer provides the actions.
"""
