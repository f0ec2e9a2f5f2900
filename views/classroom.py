"""Class: a teacher leads, every student's screen follows, answers come back tallied."""

import streamlit as st

from ui.classroom import joining, membership, teacher

st.title("Class")
membership.claim_from_link()
joined = membership.member()
if joined is None:
    joining.render()
elif joined.is_teacher:
    teacher.render(joined)
else:
    joining.student(joined)
