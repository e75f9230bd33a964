"""Import and export of organizations for the secretariat (django-import-export).

An import runs in one transaction: when any row is bad the whole file is refused, and the
dry-run preview lists each bad row with its line number and what is wrong.

No cell is exported as a live spreadsheet formula (icnk/spreadsheets.py), and a name that
starts like one is refused on import. Contact details are exported, and read or written by an
import (whose preview shows every column of the rows it matches), only by holders of the
personal-data permission (OrganizationAdmin picks the resource).
"""

from django.utils.translation import gettext
from import_export import fields, resources, widgets

from icnk.spreadsheets import escape_formula, looks_like_formula, unescape_formula
from members.models import ORGANIZATION_CONTACT_FIELDS, ORGANIZATION_FIELDS, Organization

# Personal data: in the export only for those who may export personal data.
CONTACT_FIELDS = ORGANIZATION_CONTACT_FIELDS


class CountryWidget(widgets.CharWidget):
    """Countries travel as ISO codes ("KR"); blank means an international organization."""

    def clean(self, value, row=None, **kwargs):
        return (super().clean(value, row, **kwargs) or "").strip().upper()

    def render(self, value, obj=None, **kwargs):
        return getattr(value, "code", value) or ""


class FormulaSafeResource(resources.ModelResource):
    """Cells never export as formulas; names that start like one are refused on import."""

    # Nobody's name starts with =, +, - or @.
    formula_refused = ("name", "local_name", "acronym", "contact_name")

    def export_field(self, field, instance, **kwargs):
        return escape_formula(super().export_field(field, instance, **kwargs))

    def before_import_row(self, row, **kwargs):
        for key, value in list(row.items()):
            row[key] = unescape_formula(value)

    def import_field(self, field, instance, row, is_m2m=False, **kwargs):
        if field.attribute in self.formula_refused and looks_like_formula(
            row.get(field.column_name)
        ):
            raise ValueError(
                gettext("A name cannot start with =, +, - or @ (a spreadsheet formula).")
            )
        return super().import_field(field, instance, row, is_m2m, **kwargs)


class OrganizationResource(FormulaSafeResource):
    country = fields.Field(attribute="country", column_name="country", widget=CountryWidget())

    class Meta:
        model = Organization
        import_id_fields = ["slug"]
        # Every field staff edit but the logo, which a CSV file cannot carry.
        fields = [name for name in ORGANIZATION_FIELDS if name != "logo"]
        export_order = fields
        use_transactions = True
        # Run each row through the model's validation (choices, dates, constraints), so that a
        # bad row is reported with the field at fault instead of failing at the database.
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True


class OrganizationPublicResource(OrganizationResource):
    """The same columns without the contact details, for staff without the personal-data right."""

    class Meta(OrganizationResource.Meta):
        fields = [name for name in OrganizationResource.Meta.fields if name not in CONTACT_FIELDS]
        export_order = fields
