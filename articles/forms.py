from django import forms

from articles.models import Image


class ImageForm(forms.ModelForm):
    class Meta:
        model = Image
        fields = ["file", "caption", "credit", "alt_text"]
