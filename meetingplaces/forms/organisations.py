"""The form an organisation's own admins edit its profile with: the managers' organisation form
without home quarter, web address, kind and status (the same fields, so the same checks)."""

from flask_babel import lazy_gettext as _l

from .manage import ManageForm, OrganisationForm, add_translation_fields


class OrganisationProfileForm(ManageForm):
    name = OrganisationForm.name
    description = OrganisationForm.description
    languages = OrganisationForm.languages
    public_contact = OrganisationForm.public_contact
    show_contact_publicly = OrganisationForm.show_contact_publicly
    private_contact_email = OrganisationForm.private_contact_email
    private_contact_phone = OrganisationForm.private_contact_phone

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The managers' hint speaks of "managers"; here the admins read who sees it.
        self.private_contact_email.description = _l(
            "For the managers of your quarter and your members; never shown publicly."
        )


add_translation_fields(OrganisationProfileForm,
                       {"description": OrganisationForm.description.args[0]})
