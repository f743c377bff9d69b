// Tutorial 10's single-page application: the docs' two components, as React classes.
// `build.ts` bundles this file with React into public/js/gen.js; jQuery ($) is the page's.
import React from "react";
import { createRoot } from "react-dom/client";

/* global $ */

class StringGeneratorBox extends React.Component {
  constructor(props) {
    super(props);
    this.state = { length: "8", string: "", mode: "create" };
    this.handleGenerate = this.handleGenerate.bind(this);
    this.handleEdit = this.handleEdit.bind(this);
    this.handleDelete = this.handleDelete.bind(this);
    this.handleLengthChange = this.handleLengthChange.bind(this);
    this.handleStringChange = this.handleStringChange.bind(this);
  }

  handleGenerate() {
    const length = this.state.length;
    $.ajax({
      url: this.props.url,
      dataType: "text",
      type: "POST",
      data: { "length": length },
      success: (data) => {
        this.setState({ length: length, string: data, mode: "edit" });
      },
      error: (_xhr, status, err) => {
        console.error(this.props.url, status, err.toString());
      },
    });
  }

  handleEdit() {
    const newString = this.state.string;
    $.ajax({
      url: this.props.url,
      type: "PUT",
      data: { "another_string": newString },
      success: () => {
        this.setState({ length: newString.length, string: newString, mode: "edit" });
      },
      error: (_xhr, status, err) => {
        console.error(this.props.url, status, err.toString());
      },
    });
  }

  handleDelete() {
    $.ajax({
      url: this.props.url,
      type: "DELETE",
      success: () => {
        this.setState({ length: "8", string: "", mode: "create" });
      },
      error: (_xhr, status, err) => {
        console.error(this.props.url, status, err.toString());
      },
    });
  }

  handleLengthChange(length) {
    this.setState({ length: length, string: "", mode: "create" });
  }

  handleStringChange(newString) {
    this.setState({ length: newString.length, string: newString, mode: "edit" });
  }

  render() {
    return (
      <div className="stringGenBox">
        <StringGeneratorForm
          onCreateString={this.handleGenerate}
          onReplaceString={this.handleEdit}
          onDeleteString={this.handleDelete}
          onLengthChange={this.handleLengthChange}
          onStringChange={this.handleStringChange}
          mode={this.state.mode}
          length={this.state.length}
          string={this.state.string}
        />
      </div>
    );
  }
}

class StringGeneratorForm extends React.Component {
  constructor(props) {
    super(props);
    this.handleCreate = this.handleCreate.bind(this);
    this.handleReplace = this.handleReplace.bind(this);
    this.handleDelete = this.handleDelete.bind(this);
    this.handleLengthChange = this.handleLengthChange.bind(this);
    this.handleStringChange = this.handleStringChange.bind(this);
  }

  handleCreate(e) {
    e.preventDefault();
    this.props.onCreateString();
  }

  handleReplace(e) {
    e.preventDefault();
    this.props.onReplaceString();
  }

  handleDelete(e) {
    e.preventDefault();
    this.props.onDeleteString();
  }

  handleLengthChange(e) {
    e.preventDefault();
    this.props.onLengthChange(e.target.value.trim());
  }

  handleStringChange(e) {
    e.preventDefault();
    this.props.onStringChange(e.target.value.trim());
  }

  render() {
    if (this.props.mode == "create") {
      return (
        <div>
          <input
            type="text"
            name="length"
            value={this.props.length}
            onChange={this.handleLengthChange}
          />
          <button type="button" onClick={this.handleCreate}>Give it now!</button>
        </div>
      );
    } else if (this.props.mode == "edit") {
      return (
        <div>
          <input
            type="text"
            name="string"
            value={this.props.string}
            onChange={this.handleStringChange}
          />
          <button type="button" onClick={this.handleReplace}>Replace</button>
          <button type="button" onClick={this.handleDelete}>Delete it</button>
        </div>
      );
    }

    return null;
  }
}

createRoot(document.getElementById("generator")).render(
  <StringGeneratorBox url="/generator" />,
);
